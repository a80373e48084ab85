import { inspect } from 'node:util';
import { expect } from 'chai';
import { dataKeyOf, materialOf, newKeyMaterial, type DataKey } from './dataKey.js';
import { SealedContent } from '@agent-platform/contracts';
import { openContent, sealContent } from './sealedContent.js';
import type { KeyLookup } from './port.js';

const keyOf = (names: Partial<DataKey> = {}, material = newKeyMaterial()): DataKey =>
  dataKeyOf({ workspaceId: 'ws-a', subject: 'memory:m1', keyId: 'dk_1', ...names }, material);
const liveKey = (key: DataKey): KeyLookup => ({ state: 'live', key });
/** The same sealed content with one base64 field's first byte flipped. */
const flipped = (sealed: SealedContent, field: 'ct' | 'tag' | 'iv'): SealedContent => {
  const bytes = Buffer.from(sealed[field], 'base64');
  bytes[0] = bytes[0]! ^ 0x01;
  return { ...sealed, [field]: bytes.toString('base64') };
};

describe('sealed content', () => {
  describe('round trip', () => {
    for (const content of ['plain text', '', 'ünïcødé ✓ and a NUL-free emoji 🎉', { text: 'x', n: 1, nested: [true, null] }, 42]) {
      it(`gives back ${JSON.stringify(content)} as it went in`, () => {
        const key = keyOf();
        expect(openContent(liveKey(key), sealContent(key, content))).to.deep.equal({ status: 'opened', content });
      });
    }

    it('is a small JSON envelope that parses as SealedContent and never carries the plaintext', () => {
      const sealed = sealContent(keyOf(), 'the refund policy');
      expect(SealedContent.parse(JSON.parse(JSON.stringify(sealed)))).to.deep.equal(sealed);
      expect(sealed).to.include({ alg: 'A256GCM', key_id: 'dk_1' });
      expect(JSON.stringify(sealed)).not.to.contain('refund');
    });

    it('uses a new nonce each time, so equal content does not seal alike', () => {
      const key = keyOf();
      expect(sealContent(key, 'same').ct).not.to.equal(sealContent(key, 'same').ct);
      expect(sealContent(key, 'same').iv).not.to.equal(sealContent(key, 'same').iv);
    });

    it('refuses what is not JSON', () => {
      expect(() => sealContent(keyOf(), undefined)).to.throw(TypeError);
    });
  });

  describe('bound to its workspace and subject', () => {
    // The same key bytes and id under other names: only the associated data tells them apart.
    it('does not open for another subject', () => {
      const material = newKeyMaterial();
      const sealed = sealContent(keyOf({}, material), 'mine');
      expect(openContent(liveKey(keyOf({ subject: 'memory:m2' }, material)), sealed)).to.deep.equal({ status: 'unreadable', reason: 'tampered' });
    });

    it('does not open in another workspace', () => {
      const material = newKeyMaterial();
      const sealed = sealContent(keyOf({}, material), 'mine');
      expect(openContent(liveKey(keyOf({ workspaceId: 'ws-b' }, material)), sealed)).to.deep.equal({ status: 'unreadable', reason: 'tampered' });
    });

    it('names the key it was sealed under, so another key is told apart before decrypting', () => {
      const sealed = sealContent(keyOf(), 'mine');
      expect(openContent(liveKey(keyOf({ keyId: 'dk_2' })), sealed)).to.deep.equal({ status: 'unreadable', reason: 'wrong_key' });
    });
  });

  describe('tampering', () => {
    for (const field of ['ct', 'tag', 'iv'] as const) {
      it(`reports a changed ${field} as tampered`, () => {
        const key = keyOf();
        expect(openContent(liveKey(key), flipped(sealContent(key, 'text'), field))).to.deep.equal({ status: 'unreadable', reason: 'tampered' });
      });
    }

    it('reports a cut tag as tampered', () => {
      const key = keyOf();
      const sealed = sealContent(key, 'text');
      const tag = Buffer.from(sealed.tag, 'base64').subarray(0, 4).toString('base64');
      expect(openContent(liveKey(key), { ...sealed, tag })).to.deep.equal({ status: 'unreadable', reason: 'tampered' });
    });
  });

  describe('without a live key', () => {
    it('reports content whose key was destroyed as erased, with when', () => {
      const sealed = sealContent(keyOf(), 'gone');
      const destroyedAt = '2026-12-03T12:00:00.000Z';
      expect(openContent({ state: 'destroyed', destroyedAt }, sealed)).to.deep.equal({ status: 'erased', erasedAt: destroyedAt });
    });

    it('tells a key that never existed from an erased one', () => {
      expect(openContent({ state: 'unknown' }, sealContent(keyOf(), 'x'))).to.deep.equal({ status: 'unreadable', reason: 'no_key' });
    });
  });

  it('never shows key material when a key is logged, inspected or serialised', () => {
    const key = keyOf();
    const material = materialOf(key);
    for (const shown of [JSON.stringify(key), inspect(key, { showHidden: true, depth: 5 })]) {
      expect(shown).not.to.contain(material.toString('base64'));
      expect(shown).not.to.contain(material.toString('hex'));
    }
  });
});
