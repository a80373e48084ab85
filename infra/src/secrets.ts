import { isHeaderValue } from '@agent-platform/contracts';
import { canonicalHost } from './canonicalHost.js';
import { ConfigError } from './errors.js';

/**
 * A secret a tool's header may reference as `${secret:NAME}`, with where it may go. Both bindings are
 * required: a secret is sent only for a workspace it names and only to a host it names, so no workspace
 * can point a tool of its own at a host of its choosing and read the secret there.
 */
export type SecretBinding = {
  value: string;
  /** Hosts as `canonicalHost` writes them; `*.example.com` stands for every name under example.com (not example.com). */
  hosts: readonly string[];
  /** Workspace ids, or `*` for every workspace. */
  workspaces: '*' | ReadonlySet<string>;
};

type SecretsConfig = { secrets: ReadonlyMap<string, SecretBinding>; warnings: string[] };

export const SECRET_PREFIX = 'AGENT_PLATFORM_SECRET_';
const NAME = /^[A-Z0-9_]{1,100}$/;
/**
 * Every value is redacted from tool outputs: a short one would blank out ordinary text wherever it
 * appears, and is too weak to be a credential anyway.
 */
const MIN_SECRET_LENGTH = 8;

const hostsOf = (variable: string, raw: string): string[] =>
  raw
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
    .map((entry) => {
      const wildcard = entry.startsWith('*.');
      // A port is refused rather than ignored: the binding names hosts, whatever port a tool uses.
      const host = canonicalHost(wildcard ? entry.slice(2) : entry);
      if (!host || (wildcard && !host.includes('.'))) {
        throw new ConfigError(`invalid configuration: ${variable}: "${entry}" is not a host name (or *.domain with at least two labels; no port, no *)`);
      }
      return wildcard ? `*.${host}` : host;
    });

/**
 * Reads `AGENT_PLATFORM_SECRET_<NAME>` (the value), `…_<NAME>_HOSTS` and `…_<NAME>_WORKSPACES`. A value
 * that could not be sent in a header, or is too short to redact, is a startup error; a secret missing a
 * binding, or a binding without a value, is a warning: such a secret is usable nowhere.
 */
export const parseSecrets = (env: NodeJS.ProcessEnv): SecretsConfig => {
  const values = new Map<string, string>();
  const hosts = new Map<string, string[]>();
  const workspaces = new Map<string, '*' | Set<string>>();
  const warnings: string[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(SECRET_PREFIX) || !raw?.trim()) continue;
    const rest = variable.slice(SECRET_PREFIX.length);
    const [, name, binding] = /^(.*?)(?:_(HOSTS|WORKSPACES))?$/.exec(rest)!;
    if (!NAME.test(name!)) {
      warnings.push(`${variable} is ignored: a secret's name is 1-100 of A-Z, 0-9 and _, as \${secret:NAME} writes it`);
    } else if (binding === 'HOSTS') {
      hosts.set(name!, hostsOf(variable, raw));
    } else if (binding === 'WORKSPACES') {
      const list = raw.split(',').map((w) => w.trim()).filter(Boolean);
      workspaces.set(name!, list.includes('*') ? '*' : new Set(list));
    } else {
      // Sent in a header: a secret with CR or LF could add headers of its own.
      if (!isHeaderValue(raw)) throw new ConfigError(`invalid configuration: ${variable}: a secret is sent in a header, so it may not hold CR, LF, NUL or another control character`);
      if (raw.length < MIN_SECRET_LENGTH) throw new ConfigError(`invalid configuration: ${variable}: a secret holds at least ${MIN_SECRET_LENGTH} characters`);
      values.set(name!, raw);
    }
  }
  const secrets = new Map<string, SecretBinding>();
  for (const [name, value] of values) {
    const missing = [!hosts.get(name)?.length && `${SECRET_PREFIX}${name}_HOSTS`, !workspaces.has(name) && `${SECRET_PREFIX}${name}_WORKSPACES`].filter(Boolean);
    if (missing.length) warnings.push(`secret ${name} is usable by no tool until ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} set`);
    secrets.set(name, { value, hosts: hosts.get(name) ?? [], workspaces: workspaces.get(name) ?? new Set() });
  }
  for (const name of new Set([...hosts.keys(), ...workspaces.keys()])) {
    if (!values.has(name)) warnings.push(`${SECRET_PREFIX}${name}_HOSTS or _WORKSPACES is set but ${SECRET_PREFIX}${name} is not: the binding binds nothing`);
  }
  return { secrets, warnings };
};

/** Whether the binding names a tool URL's `hostname`, compared as the tool allow-list compares it (`canonicalHost`). */
export const hostAllowed = (binding: SecretBinding, hostname: string): boolean => {
  const host = canonicalHost(hostname);
  return host !== undefined && binding.hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));
};

export const workspaceAllowed = (binding: SecretBinding, workspaceId: string): boolean =>
  binding.workspaces === '*' || binding.workspaces.has(workspaceId);
