import { expect } from 'chai';
import { EXCERPT_CUT } from '@agent-platform/infra';
import { redactorOf } from './redaction.js';

describe('redacting secrets from what a tool answers', () => {
  const bound = { hosts: ['crm.example'], workspaces: '*' as const };
  const redact = redactorOf(
    new Map([
      ['CRM_TOKEN', { value: 's3cr3t-value', ...bound }],
      ['OTHER_KEY', { value: 'k/ey+with"quote', ...bound }],
    ]),
  );

  it('takes an echoed secret out of every string and key of a tool output, any secret configured', () => {
    const echoed = { headers: { authorization: 'Bearer s3cr3t-value', 'x-other': 'k/ey+with"quote' }, 's3cr3t-value': [1, 's3cr3t-value!'] };
    const redacted = redact(echoed);
    expect(JSON.stringify(redacted)).not.to.include('s3cr3t').and.not.include('k/ey+with');
    expect(redacted).to.deep.equal({
      headers: { authorization: 'Bearer [REDACTED:CRM_TOKEN]', 'x-other': '[REDACTED:OTHER_KEY]' },
      '[REDACTED:CRM_TOKEN]': [1, '[REDACTED:CRM_TOKEN]!'],
    });
  });
  it('takes out its JSON-escaped, URL-encoded and base64 forms, inside base64("user:" + secret) too', () => {
    for (const user of ['', 'u', 'us', 'bot-user']) {
      const basic = Buffer.from(`${user}:s3cr3t-value`).toString('base64');
      for (const text of [`Basic ${basic}`, basic.replace(/\+/g, '-').replace(/\//g, '_')]) {
        expect(redact(text), text).to.include('[REDACTED:CRM_TOKEN]');
      }
    }
    expect(redact({ text: 'raw {"x":"k/ey+with\\"quote"}' }).text).to.equal('raw {"x":"[REDACTED:OTHER_KEY]"}');
    expect(redact('q=k%2Fey%2Bwith%22quote')).to.equal('q=[REDACTED:OTHER_KEY]');
  });
  it('takes out the start of a secret that an excerpt cut split', () => {
    expect(redact(`the tool answered 400: {"authorization":"Bearer s3cr3t-va${EXCERPT_CUT}`)).to.equal(
      `the tool answered 400: {"authorization":"Bearer [REDACTED:CRM_TOKEN]${EXCERPT_CUT}`,
    );
  });
  it('leaves everything else as it is', () => {
    const plain = { ok: true, n: 3, list: ['a', null], text: 'the value s3cr3t alone is not the secret' };
    expect(redact(plain)).to.deep.equal(plain);
  });
});
