import { expect } from 'chai';
import type { SecretBinding } from '@agent-platform/infra';
import { withSecrets } from './secrets.js';

describe('secrets in tool headers', () => {
  const crm: SecretBinding = { value: 's3cr3t-value', hosts: ['crm.example', '*.crm-eu.example'], workspaces: new Set(['ws-a']) };
  const secrets = new Map([['CRM_TOKEN', crm]]);
  const toCrm = { workspaceId: 'ws-a', url: 'https://crm.example/orders' };

  it('replaces each ${secret:NAME} with the secret, and leaves other headers as they are', () => {
    expect(withSecrets({ Authorization: 'Bearer ${secret:CRM_TOKEN}', 'x-tenant': 'acme' }, secrets, toCrm)).to.deep.equal({
      headers: { Authorization: 'Bearer s3cr3t-value', 'x-tenant': 'acme' },
    });
  });
  it('names the secret the worker lacks', () => {
    const sending = withSecrets({ 'x-api-key': '${secret:OTHER}' }, secrets, toCrm);
    expect(sending).to.have.nested.property('error.code', 'TOOL_SECRET_MISSING');
    expect(sending).to.have.nested.property('error.message').that.includes('AGENT_PLATFORM_SECRET_OTHER');
  });

  it("refuses workspace B a secret bound to workspace A, without the value or A's id in the error", () => {
    const sending = withSecrets({ Authorization: 'Bearer ${secret:CRM_TOKEN}' }, secrets, { ...toCrm, workspaceId: 'ws-b' });
    expect(sending).to.have.nested.property('error.code', 'TOOL_SECRET_NOT_ALLOWED');
    expect(JSON.stringify(sending)).to.include('ws-b').and.not.include('s3cr3t').and.not.include('ws-a');
  });
  it('refuses to send a secret to a host it is not bound to, look-alikes included', () => {
    for (const url of ['https://evil.example/', 'https://crm.example.evil.example/', 'https://crm-eu.example/', 'https://evilcrm.example/', 'not a url']) {
      const sending = withSecrets({ Authorization: 'Bearer ${secret:CRM_TOKEN}' }, secrets, { ...toCrm, url });
      expect(sending, url).to.have.nested.property('error.code', 'TOOL_SECRET_NOT_ALLOWED');
      expect(JSON.stringify(sending)).not.to.include('s3cr3t');
    }
  });
  it('sends a secret to any name under a *.domain binding, whatever the case or port', () => {
    for (const url of ['https://api.crm-eu.example/x', 'http://A.B.CRM-EU.example:8443/']) {
      expect(withSecrets({ k: '${secret:CRM_TOKEN}' }, secrets, { ...toCrm, url }), url).to.deep.equal({ headers: { k: 's3cr3t-value' } });
    }
  });
  it('sends a secret bound to * in every workspace', () => {
    const everywhere = new Map([['CRM_TOKEN', { ...crm, workspaces: '*' as const }]]);
    expect(withSecrets({ k: '${secret:CRM_TOKEN}' }, everywhere, { ...toCrm, workspaceId: 'ws-z' })).to.deep.equal({ headers: { k: 's3cr3t-value' } });
  });
});
