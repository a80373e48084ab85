import { lookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { ALLOWED_HOSTS_VARIABLE, isForbiddenAddress } from './addressPolicy.js';

/** A tool host is, or resolves to, an address tools may not reach. */
export class AddressForbiddenError extends Error {
  override name = 'AddressForbiddenError';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `tool host "${host}" resolves to ${address}, which tools may not reach (loopback, private, link-local, ` +
        `cloud metadata or another non-public range); to allow it, add "${host}" to ${ALLOWED_HOSTS_VARIABLE}`,
    );
  }
}

/**
 * The `lookup` of the tool call's socket. Checking here, on the very addresses the socket connects to,
 * closes the DNS-rebinding gap that a check before the request leaves (a name can resolve to a public
 * address for the check and to 169.254.169.254 a moment later for the connection). A name with any
 * forbidden address is refused outright rather than filtered: mixing one in is the attack, not a mistake.
 * Node asks for every address (`all`) when it races IPv4 against IPv6, and for one otherwise.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const forbidden = addresses.find((a) => isForbiddenAddress(a.address));
    if (forbidden) return callback(new AddressForbiddenError(hostname, forbidden.address), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};
