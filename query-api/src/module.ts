import type { DomainName } from '@agent-platform/contracts';
import type { Api } from '@agent-platform/infra';
import type { QueryDeps } from './deps.js';

/** Mounts some query routes; each refuses a path parameter that is not its id, so the order of mounting does not matter. */
export type QueryRoutes = (api: Api, deps: QueryDeps) => void;

/** A domain's query side: the routes that read its read models. `N` is its name, so it cannot be joined to another domain's parts. */
export type QueryModule<N extends DomainName = DomainName> = { name: N; routes: QueryRoutes };
