import type { DomainName } from '@agent-platform/contracts';
import type { Migration } from '@agent-platform/infra';
import type { Projector } from './projector.js';

/**
 * A domain's read side: its projectors and the migrations of the tables they own, in the order they run.
 * The migrations of all domains are recorded in one table by name, so a name, once shipped, never changes.
 * `N` is the domain's name, so it cannot be joined to another domain's parts.
 */
export type ProjectionModule<N extends DomainName = DomainName> = { name: N; projectors: readonly Projector[]; migrations: readonly Migration[] };
