import ipaddr from 'ipaddr.js';
import { canonicalHost } from '../canonicalHost.js';
import { ConfigError } from '../config.js';

/** The variable an operator sets to let tools reach a refused host; named in every refusal. */
export const ALLOWED_HOSTS_VARIABLE = 'AGENT_PLATFORM_TOOL_ALLOWED_HOSTS';

/** `::/96` held the deprecated IPv4-compatible addresses (`::127.0.0.1`); no public service lives there. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Whether a tool call must not connect to `ip`. Only ipaddr.js's `unicast` (no special range) passes:
 * refusing every named range, rather than listing the bad ones, also refuses ranges that embed an IPv4
 * address a gateway might route inside (6to4, NAT64, Teredo) and fails closed when ipaddr.js learns a new
 * one. That covers loopback, private, link-local (169.254.169.254, the cloud metadata service), unique-local
 * (AWS's fd00:ec2::254), unspecified, carrier-grade NAT, broadcast, multicast and reserved. An IPv4-mapped
 * IPv6 address (`::ffff:127.0.0.1`) reaches its IPv4 address, so it is judged as that address. Anything
 * that is not an address at all is refused too.
 */
export const isForbiddenAddress = (ip: string): boolean => {
  if (!ipaddr.isValid(ip)) return true;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE)) return true;
  return address.range() !== 'unicast';
};

/** Names that mean this machine or the cloud metadata service whatever DNS says of them (RFC 6761). */
const FORBIDDEN_NAMES = new Set(['localhost', 'metadata', 'metadata.google.internal']);

/** A DNS name is the same name with its root dot (`localhost.`) or in capitals, so neither may slip past the check. */
export const isForbiddenHostName = (host: string): boolean => {
  const name = canonicalHost(host);
  return name !== undefined && (FORBIDDEN_NAMES.has(name) || name.endsWith('.localhost'));
};

/** An allow-list entry's host, as `canonicalHost` writes it, so it matches however a tool URL spells it. */
const listedHost = (entry: string, host: string): string => {
  const canonical = canonicalHost(host);
  if (!canonical) throw new ConfigError(`${ALLOWED_HOSTS_VARIABLE}: "${entry}" is not a host name or IP address (with a port, or none)`);
  return canonical;
};

/**
 * Parses AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: comma-separated host names or IP literals (trimmed,
 * lowercased). `host:port` (`[v6]:port` for IPv6) allows that port only; a bare host allows any port.
 * A malformed port or host (`*.example.com`: there are no wildcards) stops start-up rather than silently never matching.
 */
export const parseAllowedHosts = (raw: string | undefined): Set<string> => {
  const allowed = new Set<string>();
  for (const entry of (raw ?? '').split(',').map((e) => e.trim().toLowerCase())) {
    if (!entry) continue;
    // A bare IPv6 literal has several colons and no port; `[v6]:port` and `name:port` have one after the host.
    const withPort = /^(\[[^\]]+\]|[^:]+):([^:]*)$/.exec(entry);
    if (!withPort) {
      allowed.add(listedHost(entry, entry));
      continue;
    }
    const port = Number(withPort[2]);
    if (!/^\d+$/.test(withPort[2]!) || port < 1 || port > 65535) {
      throw new ConfigError(`${ALLOWED_HOSTS_VARIABLE}: "${entry}" has no valid port (1-65535)`);
    }
    allowed.add(`${listedHost(entry, withPort[1]!)}:${port}`);
  }
  return allowed;
};

/** Whether the URL's host (any port) or its host and effective port is on the allow-list. */
export const isAllowedHost = (allowed: ReadonlySet<string>, url: URL): boolean => {
  const host = canonicalHost(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return host !== undefined && (allowed.has(host) || allowed.has(`${host}:${port}`));
};
