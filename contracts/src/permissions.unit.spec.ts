import { expect } from 'chai';
import fc from 'fast-check';
import { firstGrant, grantCovers, Permission, PermissionGrants } from './permissions.js';

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,10}$/);
const permission = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join(':'));
const refusedPaths = (grants: unknown) => {
  const parsed = PermissionGrants.safeParse(grants);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
};

describe('permissions: the grammar', () => {
  it('takes concrete permissions and grants ending in a wildcard', () => {
    expect(refusedPaths(['*', 'agent:*', 'agent:write', 'gateway:agents:*', 'gateway:agents:read', 'billing', 'team-runs:cancel_all'])).to.deep.equal([]);
  });
  it('refuses a malformed grant, naming its index', () => {
    for (const bad of ['', 'Agent:write', 'agent:', ':write', 'agent::write', 'agent:wr*', '*:write', 'agent:*:read', '**', 'agent write', 'a'.repeat(65), 'a:b:c:d:e:f:g:h:i']) {
      expect(refusedPaths(['agent:read', bad]), JSON.stringify(bad)).to.deep.equal(['1']);
    }
  });
  it('refuses a grant listed twice, naming the second', () => {
    expect(refusedPaths(['agent:read', '*', 'agent:read'])).to.deep.equal(['2']);
  });
  it('asks only for concrete permissions: a wildcard is not a permission to check', () => {
    expect(Permission.safeParse('agent:write').success).to.equal(true);
    for (const bad of ['*', 'agent:*', 'AGENT:write', 'agent:']) expect(Permission.safeParse(bad).success, bad).to.equal(false);
  });
  it('accepts every permission the segment grammar makes', () =>
    fc.assert(fc.property(permission, (p) => Permission.safeParse(p).success && PermissionGrants.safeParse([p, `${p}:*`]).success)));
});

describe('permissions: matching', () => {
  it('* covers every permission', () => fc.assert(fc.property(permission, (p) => grantCovers('*', p))));

  it('a concrete grant covers exactly itself', () =>
    fc.assert(fc.property(permission, permission, (grant, p) => grantCovers(grant, p) === (grant === p))));

  it('prefix:* covers what lies under the prefix, and nothing else', () => {
    expect(grantCovers('agent:*', 'agent:write')).to.equal(true);
    expect(grantCovers('agent:*', 'agent:read')).to.equal(true);
    expect(grantCovers('agent:*', 'agent:runs:cancel')).to.equal(true);
    expect(grantCovers('agent:*', 'agent')).to.equal(false);
    expect(grantCovers('agent:*', 'agents:write')).to.equal(false);
    expect(grantCovers('agent:*', 'team:write')).to.equal(false);
    fc.assert(
      fc.property(permission, permission, (prefix, p) => grantCovers(`${prefix}:*`, p) === p.startsWith(`${prefix}:`)),
    );
  });

  it('a role none of whose grants covers the permission never allows it', () =>
    fc.assert(
      fc.property(fc.array(permission, { maxLength: 6 }), permission, (grants, p) => {
        const others = grants.filter((g) => g !== p);
        return firstGrant([{ code: 'r', permissions: others }], p) === undefined;
      }),
    ));

  it('names the first role in the order given, and its first grant that covers the permission', () => {
    const roles = [
      { code: 'viewer', permissions: ['agent:read'] },
      { code: 'editor', permissions: ['team:write', 'agent:*', 'agent:write'] },
      { code: 'admin', permissions: ['*'] },
    ];
    expect(firstGrant(roles, 'agent:write')).to.deep.equal({ role: 'editor', permission: 'agent:*' });
    expect(firstGrant(roles, 'agent:read')).to.deep.equal({ role: 'viewer', permission: 'agent:read' });
    expect(firstGrant(roles, 'billing:pay')).to.deep.equal({ role: 'admin', permission: '*' });
    expect(firstGrant(roles.slice(0, 2), 'billing:pay')).to.equal(undefined);
    expect(firstGrant([], 'agent:read')).to.equal(undefined);
  });

  it('a role granting * allows everything, whichever roles come before it', () =>
    fc.assert(
      fc.property(fc.array(fc.array(permission, { maxLength: 3 }), { maxLength: 4 }), permission, (before, p) => {
        const roles = [...before.map((permissions, i) => ({ code: `r${i}`, permissions })), { code: 'admin', permissions: ['*'] }];
        return firstGrant(roles, p) !== undefined;
      }),
    ));
});
