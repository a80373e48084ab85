/**
 * The permission a request needs, derived from its route, for the gateway's enforcement to check
 * (`AGENT_PLATFORM_AUTHZ_REQUIRED`, later): `<resource>:read` for a read, `<resource>:write` for a
 * command, the resource named after the route's first segment (`/agents/runs/:id/cancel` is
 * `agent:write`). Known prefixes only: a path outside them needs no permission of this kind (health,
 * readiness) or is the gateway's to refuse.
 */
const RESOURCES: Readonly<Record<string, string>> = {
  sessions: 'session',
  agents: 'agent',
  memories: 'memory',
  teams: 'team',
  skills: 'skill',
  human: 'human',
  knowledge: 'knowledge',
  events: 'event',
  auth: 'auth',
  scheduler: 'scheduler',
  tools: 'tool',
  models: 'model',
  code: 'code',
  streams: 'stream',
  'dead-letters': 'dead-letter',
};

/** POSTs that change nothing (searches, the check itself): a read, as the query side serves them. */
const READ_ONLY_POSTS = new Set(['/memories/search', '/knowledge/search', '/auth/permissions/check']);

export const permissionOf = (method: string, path: string): string | undefined => {
  const bare = path.split('?')[0]!.replace(/^\/gateway(?=\/|$)/, '').replace(/\/+$/, '');
  const resource = RESOURCES[bare.split('/')[1] ?? ''];
  if (!resource) return undefined;
  const verb = method.toUpperCase();
  const reads = verb === 'GET' || verb === 'HEAD' || (verb === 'POST' && READ_ONLY_POSTS.has(bare));
  return `${resource}:${reads ? 'read' : 'write'}`;
};
