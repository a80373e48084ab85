import { expect } from 'chai';
import { withSecrets } from './secrets.js';

describe('secrets in tool headers', () => {
  const secrets = new Map([['CRM_TOKEN', 's3cr3t']]);
  it('replaces each ${secret:NAME} with the secret, and leaves other headers as they are', () => {
    expect(withSecrets({ Authorization: 'Bearer ${secret:CRM_TOKEN}', 'x-tenant': 'acme' }, secrets)).to.deep.equal({
      headers: { Authorization: 'Bearer s3cr3t', 'x-tenant': 'acme' },
    });
  });
  it('names the first secret the worker lacks', () => {
    expect(withSecrets({ 'x-api-key': '${secret:OTHER}' }, secrets)).to.deep.equal({ missing: 'OTHER' });
  });
});
