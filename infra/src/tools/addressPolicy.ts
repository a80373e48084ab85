import ipaddr from 'ipaddr.js';
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

/** A DNS name is the same name with its root dot (`localhost.`), so that dot must not slip past the check. */
const withoutRootDot = (host: string): string => host.toLowerCase().replace(/\.$/, '');

export const isForbiddenHostName = (host: string): boolean => {
  const name = withoutRootDot(host);
  return FORBIDDEN_NAMES.has(name) || name.endsWith('.localhost');
};

/** An IP literal in its canonical form (`0:0::1` → `::1`), so an entry matches however the URL spells it. */
const canonicalHost = (host: string): string => {
  const name = withoutRootDot(host.replace(/^\[(.*)\]$/, '$1'));
  return ipaddr.isValid(name) ? ipaddr.parse(name).toString() : name;
};

/** The key of a host and port in the allow-list: `host:port`, with an IPv6 host in brackets. */
const hostPortKey = (host: string, port: string): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/**
 * Parses AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: comma-separated host names or IP literals (trimmed,
 * lowercased). `host:port` (`[v6]:port` for IPv6) allows that port only; a bare host allows any port.
 * A malformed port stops start-up rather than silently never matching.
 */
export const parseAllowedHosts = (raw: string | undefined): Set<string> => {
  const allowed = new Set<string>();
  for (const entry of (raw ?? '').split(',').map((e) => e.trim().toLowerCase())) {
    if (!entry) continue;
    // A bare IPv6 literal has several colons and no port; `[v6]:port` and `name:port` have one after the host.
    const withPort = /^(\[[^\]]+\]|[^:]+):([^:]*)$/.exec(entry);
    if (!withPort) {
      allowed.add(canonicalHost(entry));
      continue;
    }
    const port = Number(withPort[2]);
    if (!/^\d+$/.test(withPort[2]!) || port < 1 || port > 65535) {
      throw new ConfigError(`${ALLOWED_HOSTS_VARIABLE}: "${entry}" has no valid port (1-65535)`);
    }
    allowed.add(hostPortKey(canonicalHost(withPort[1]!), String(port)));
  }
  return allowed;
};

/** Whether the URL's host (any port) or its host and effective port is on the allow-list. */
export const isAllowedHost = (allowed: ReadonlySet<string>, url: URL): boolean => {
  const host = canonicalHost(url.hostname);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowed.has(host) || allowed.has(hostPortKey(host, port));
};
