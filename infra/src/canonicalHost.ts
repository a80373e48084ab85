/** Host name labels (letters, digits, `-`, and `_` as container names use it), or an IPv6 literal as URL parsing writes it. */
const HOST = /^([a-z0-9_-]+(\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\])$/;

/**
 * A host as the tool allow-list and the secrets' bindings compare it: as URL parsing writes a host (lower
 * case, punycode for a Unicode name, an IPv4 address in dotted decimal, an IPv6 one canonical in
 * brackets), without the root dot (`crm.example.` is the DNS name `crm.example`). Both sides of each
 * comparison pass through it, an operator's entry and a tool URL's hostname, so no spelling of a host is
 * let through by one check and refused by the other. Undefined for anything but a host alone: a port, a
 * path, a user, a `*`.
 */
export const canonicalHost = (host: string): string | undefined => {
  // A bare IPv6 literal (`::1`, as an operator may write it) is bracketed as a URL writes it; a colon anywhere else is a port.
  const spelled = /^\[.*\]$/.test(host) || !host.includes(':') ? host : `[${host}]`;
  if (!URL.canParse(`http://${spelled}/`)) return undefined;
  const url = new URL(`http://${spelled}/`);
  // Whatever is not the host (a port, a path, a user, a query) shows in the URL besides it.
  if (url.href !== `http://${url.hostname}/`) return undefined;
  const name = url.hostname.replace(/\.$/, '');
  return HOST.test(name) ? name : undefined;
};
