import type { EventContract } from './events.js';

/**
 * A domain's contracts: its name, the events it writes, and the projections that serve its reads. Each
 * domain file exports one; `domains.ts` lists them, and every package assembles its side from that name.
 */
export type ContractModule<Name extends string = string, Projection extends string = string> = {
  name: Name;
  events: readonly EventContract[];
  projections: readonly Projection[];
};

/** Keeps the literal names, so the list of domains can type the projection names. */
export const defineDomain = <const Name extends string, const Projection extends string>(
  module: ContractModule<Name, Projection>,
): ContractModule<Name, Projection> => module;
