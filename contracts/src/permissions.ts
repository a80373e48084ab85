import { z } from 'zod';

/**
 * Permissions are `:`-separated segments, `agent:write`; a role's permission may end in a wildcard: `*`
 * (everything) or `agent:*` (everything under `agent:`). Kept strict and lowercase so that two spellings
 * never mean one permission, and the same grammar serves the gateway's scopes (`gateway:agents:read`).
 */
const SEGMENT = '[a-z0-9][a-z0-9_-]{0,63}';
const MAX_SEGMENTS = 8;
const MAX_LENGTH = 200;
const PERMISSION = new RegExp(`^${SEGMENT}(?::${SEGMENT}){0,${MAX_SEGMENTS - 1}}$`);
const WILDCARD = new RegExp(`^(?:${SEGMENT}:){0,${MAX_SEGMENTS - 1}}\\*$`);

/** A permission asked for: concrete, no wildcard (`agent:write`). */
export const Permission = z
  .string()
  .max(MAX_LENGTH)
  .regex(PERMISSION, 'a permission is 1-8 lowercase segments separated by ":" (letters, digits, _ and -), e.g. agent:write');

/** A permission a role grants: concrete, or ending in a wildcard segment (`*`, `agent:*`). */
export const PermissionGrant = z
  .string()
  .max(MAX_LENGTH)
  .refine((p) => PERMISSION.test(p) || WILDCARD.test(p), 'a permission is "*", "agent:*" or "agent:write": lowercase segments separated by ":", a wildcard only as the last');

/** A role's permissions: each valid, none twice, so that the first one matching names one grant. */
export const PermissionGrants = z
  .array(PermissionGrant)
  .max(200)
  .superRefine((grants, ctx) => {
    grants.forEach((grant, index) => {
      if (grants.indexOf(grant) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `${grant} is listed twice` });
    });
  });

/** Whether a granted permission covers the one asked: equal, or the wildcard's prefix followed by at least one more segment. */
export const grantCovers = (grant: string, permission: string): boolean => {
  if (grant === '*') return true;
  if (grant.endsWith(':*')) return permission.startsWith(grant.slice(0, -1));
  return grant === permission;
};

/** A role as a check weighs it: its code and what it grants, in the role's order. */
export type RoleGrants = { code: string; permissions: readonly string[] };

/** What a check found: the first role, in the order given (the order the user was assigned them), and its first permission covering the one asked. */
export type GrantMatch = { role: string; permission: string };

export const firstGrant = (roles: readonly RoleGrants[], permission: string): GrantMatch | undefined => {
  for (const role of roles) {
    const grant = role.permissions.find((g) => grantCovers(g, permission));
    if (grant !== undefined) return { role: role.code, permission: grant };
  }
  return undefined;
};
