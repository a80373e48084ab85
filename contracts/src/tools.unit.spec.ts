import { expect } from 'chai';
import { CreateToolVersionBody } from './tools.js';

const versionWith = (config: Record<string, unknown>) =>
  CreateToolVersionBody.safeParse({ tool_id: '8293a4b5-c6d7-4e8f-8b9c-adbecfd0e1f2', invoke_config_json: { base_url: 'https://crm.example', ...config } });
const version = (headers: Record<string, string>) => versionWith({ headers });
const refusedPaths = (parsed: ReturnType<typeof versionWith>) => (parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.')));

describe('a tool version’s headers', () => {
  it('refuses a credential written in clear, naming the header', () => {
    for (const name of ['Authorization', 'x-api-key', 'X-Auth-Token', 'cookie', 'x-crm-password']) {
      expect(refusedPaths(version({ [name]: 'Bearer abc' })), name).to.deep.equal([`invoke_config_json.headers.${name}`]);
    }
  });
  it('accepts a reference to a secret, and ordinary values in clear', () => {
    const ordinary = {
      Authorization: 'Bearer ${secret:CRM_TOKEN}',
      'x-tenant': 'acme',
      Accept: 'application/vnd.github.v3+json',
      'X-GitHub-Api-Version': '2022-11-28',
      'User-Agent': 'agent-platform-client/1.2.3',
      'Accept-Language': 'en-GB,en;q=0.8',
    };
    expect(refusedPaths(version(ordinary))).to.deep.equal([]);
  });

  it('refuses a literal token whatever the header is named (x-access-key, Authentication, x-signature, x-tenant-key)', () => {
    const token = 'AbCdEf0123456789XyZ';
    const headers = { 'x-access-key': token, Authentication: `Bearer ${token}`, 'x-signature': 'sha256=9f86d081884c7d659a2feaa0c55ad015', 'x-tenant-key': 'sk-live_0000aaaa1111' };
    expect(refusedPaths(version(headers))).to.have.members(Object.keys(headers).map((n) => `invoke_config_json.headers.${n}`));
  });
  it('refuses an authentication scheme with a literal credential in any header, and a literal next to a reference', () => {
    expect(refusedPaths(version({ 'x-forward': 'Basic dXNlcjpwYXNz' }))).to.deep.equal(['invoke_config_json.headers.x-forward']);
    expect(refusedPaths(version({ 'x-keys': '${secret:A} ghp_abcdefghijklmnop0123' }))).to.deep.equal(['invoke_config_json.headers.x-keys']);
  });
  it('refuses a malformed secret reference rather than sending it as it is', () => {
    expect(refusedPaths(version({ 'x-key': '${secret:crm_token}' }))).to.deep.equal(['invoke_config_json.headers.x-key']);
  });

  it('refuses CR, LF or NUL in a header value (header injection), naming the header', () => {
    for (const value of ['a\r\nx-injected: 1', 'a\nb', 'a\u0000b']) {
      expect(refusedPaths(version({ 'x-tenant': value })), JSON.stringify(value)).to.deep.equal(['invoke_config_json.headers.x-tenant']);
    }
  });
  it('refuses a header name that is not an HTTP token, and headers the platform or HTTP set', () => {
    for (const name of ['x tenant', 'x:tenant', 'x-ténant', '', 'Host', 'transfer-encoding', 'Idempotency-Key']) {
      expect(refusedPaths(version({ [name]: 'acme' })), name).to.deep.equal([`invoke_config_json.headers.${name}`]);
    }
  });
  it('refuses one header twice under two spellings', () => {
    expect(refusedPaths(version({ 'X-Tenant': 'a', 'x-tenant': 'b' }))).to.deep.equal(['invoke_config_json.headers.x-tenant']);
  });
});

describe('a tool version’s base_url', () => {
  it('refuses an ftp:// (or any non-http) base_url, naming the field', () => {
    for (const base_url of ['ftp://files.example/x', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://h:70/']) {
      expect(refusedPaths(versionWith({ base_url })), base_url).to.deep.equal(['invoke_config_json.base_url']);
    }
  });
  it('refuses a user name or password in the base_url, which would be kept in clear', () => {
    expect(refusedPaths(versionWith({ base_url: 'https://bot:hunter22@crm.example' }))).to.deep.equal(['invoke_config_json.base_url']);
  });
  it('refuses a literal key in the query string of base_url or path, which would be kept in clear', () => {
    expect(refusedPaths(versionWith({ base_url: 'https://crm.example/api?key=AbCdEf0123456789XyZ' }))).to.deep.equal(['invoke_config_json.base_url']);
    expect(refusedPaths(versionWith({ path: '/orders?api_key=hunter22' }))).to.deep.equal(['invoke_config_json.path']);
    expect(refusedPaths(versionWith({ path: '/orders?format=json&api-version=2024-01-01' }))).to.deep.equal([]);
  });
  it('accepts http and https', () => {
    expect(refusedPaths(versionWith({ base_url: 'http://crm.example:8080/api' }))).to.deep.equal([]);
  });
});
