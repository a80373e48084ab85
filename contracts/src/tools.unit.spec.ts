import { expect } from 'chai';
import { CreateToolVersionBody } from './tools.js';

const version = (headers: Record<string, string>) =>
  CreateToolVersionBody.safeParse({ tool_id: '8293a4b5-c6d7-4e8f-8b9c-adbecfd0e1f2', invoke_config_json: { base_url: 'https://crm.example', headers } });

describe('a tool version’s headers', () => {
  it('refuses a credential written in clear, naming the header', () => {
    for (const name of ['Authorization', 'x-api-key', 'X-Auth-Token', 'cookie', 'x-crm-password']) {
      const parsed = version({ [name]: 'Bearer abc' });
      expect(parsed.success, name).to.equal(false);
      expect(parsed.error!.issues[0]!.path).to.deep.equal(['invoke_config_json', 'headers', name]);
    }
  });
  it('accepts a reference to a secret, and any other header in clear', () => {
    expect(version({ Authorization: 'Bearer ${secret:CRM_TOKEN}', 'x-tenant': 'acme' }).success).to.equal(true);
  });
});
