import { expect } from 'chai';
import fc from 'fast-check';
import { Permission } from './permissions.js';
import { permissionOf } from './routePermissions.js';

describe('the permission a route needs', () => {
  it('is <resource>:write for a command and <resource>:read for a query, by the first segment', () => {
    expect(permissionOf('POST', '/agents')).to.equal('agent:write');
    expect(permissionOf('POST', '/agents/runs/6a1c2f14-7d3e-4a61-9f0b-2c4d6e8fa1b3/cancel')).to.equal('agent:write');
    expect(permissionOf('GET', '/agents/runs?status=queued')).to.equal('agent:read');
    expect(permissionOf('PATCH', '/memories/6a1c2f14-7d3e-4a61-9f0b-2c4d6e8fa1b3')).to.equal('memory:write');
    expect(permissionOf('DELETE', '/knowledge/bases/x')).to.equal('knowledge:write');
    expect(permissionOf('get', '/sessions')).to.equal('session:read');
  });
  it('is the same under /gateway', () => {
    expect(permissionOf('POST', '/gateway/agents')).to.equal('agent:write');
    expect(permissionOf('GET', '/gateway/teams/runs/x')).to.equal('team:read');
    expect(permissionOf('GET', '/gatewayagents')).to.equal(undefined);
  });
  it('takes the read-only searches and the check for reads', () => {
    expect(permissionOf('POST', '/knowledge/search')).to.equal('knowledge:read');
    expect(permissionOf('POST', '/memories/search')).to.equal('memory:read');
    expect(permissionOf('POST', '/gateway/auth/permissions/check')).to.equal('auth:read');
    expect(permissionOf('POST', '/auth/roles')).to.equal('auth:write');
  });
  it('names no permission outside the known prefixes', () => {
    for (const path of ['/health', '/ready', '/metrics', '/openapi.json', '/', '/gateway', '/nothing/here']) expect(permissionOf('GET', path), path).to.equal(undefined);
  });
  it('always derives a permission the grammar accepts, or none', () =>
    fc.assert(
      fc.property(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), fc.webPath(), (method, path) => {
        const permission = permissionOf(method, path);
        return permission === undefined || Permission.safeParse(permission).success;
      }),
    ));
});
