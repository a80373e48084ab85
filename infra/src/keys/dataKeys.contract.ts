import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { DataKeyDestroyed, DataKeyScopesDiffer, MasterKeyMissing } from './errors.js';
import { openContent, sealContent } from './sealedContent.js';
import { keyringOf, type Keyring } from './masterKeys.js';
import type { DataKeyRef, DataKeys, KeyLookup } from './port.js';

export type DataKeysFixture = {
  keys: DataKeys;
  /** The same stored keys under another keyring, as after a restart with rotated master keys. */
  reopen: (keyring: Keyring) => DataKeys;
  teardown: () => Promise<void>;
};

export type DataKeysFactory = (options: { keyring: Keyring }) => Promise<DataKeysFixture>;

const live = (lookup: KeyLookup) => {
  if (lookup.state !== 'live') throw new Error(`expected a live key, found ${lookup.state}`);
  return lookup.key;
};
const thrownBy = async (work: () => Promise<unknown>): Promise<unknown> => work().then(() => undefined, (error: unknown) => error);

/** The behaviour every DataKeys adapter must show; run it once per adapter. */
export const dataKeysContract = (factory: DataKeysFactory): void => {
  let fixture: DataKeysFixture;
  let keys: DataKeys;
  let keyring: Keyring;
  let workspaceId: string;
  const memory = () => `memory:${randomUUID()}`;

  beforeEach(async () => {
    keyring = keyringOf(randomBytes(32));
    fixture = await factory({ keyring });
    keys = fixture.keys;
    workspaceId = `ws-${randomUUID()}`;
  });
  afterEach(async () => {
    await fixture.teardown();
  });

  describe('making and reading keys', () => {
    it('gives the subject the same key on every create, and the key reads back', async () => {
      const subject = memory();
      const first = await keys.createKey({ workspaceId, subject, scopes: ['user:u1'] });
      const again = await keys.createKey({ workspaceId, subject, scopes: ['user:u1'] });
      expect(again.keyId).to.equal(first.keyId);
      const read = live(await keys.getKey({ workspaceId, subject }));
      expect(openContent({ state: 'live', key: read }, sealContent(first, 'hello'))).to.deep.equal({ status: 'opened', content: 'hello' });
    });

    it('makes one key of two creates at once', async () => {
      const subject = memory();
      const made = await Promise.all([1, 2, 3].map(() => keys.createKey({ workspaceId, subject, scopes: ['user:u1'] })));
      expect(new Set(made.map((k) => k.keyId)).size).to.equal(1);
    });

    it('gives each subject and each workspace a key of its own', async () => {
      const subject = memory();
      const a = await keys.createKey({ workspaceId, subject, scopes: [] });
      const b = await keys.createKey({ workspaceId: `${workspaceId}-other`, subject, scopes: [] });
      const c = await keys.createKey({ workspaceId, subject: memory(), scopes: [] });
      expect(new Set([a.keyId, b.keyId, c.keyId]).size).to.equal(3);
      expect(openContent({ state: 'live', key: b }, sealContent(a, 'x'))).to.deep.equal({ status: 'unreadable', reason: 'wrong_key' });
    });

    it('reports a subject that never had a key as unknown', async () => {
      expect(await keys.getKey({ workspaceId, subject: memory() })).to.deep.equal({ state: 'unknown' });
    });

    it('refuses a second create with other scopes, in any order of the same ones it accepts', async () => {
      const subject = memory();
      await keys.createKey({ workspaceId, subject, scopes: ['user:u1', 'team:t1'] });
      await keys.createKey({ workspaceId, subject, scopes: ['team:t1', 'user:u1'] });
      expect(await thrownBy(() => keys.createKey({ workspaceId, subject, scopes: ['user:u2'] }))).to.be.instanceOf(DataKeyScopesDiffer);
    });

    it('never shows key material when a key is logged or serialised', async () => {
      const key = await keys.createKey({ workspaceId, subject: memory(), scopes: [] });
      expect(Object.keys(JSON.parse(JSON.stringify(key)))).to.have.members(['workspaceId', 'subject', 'keyId']);
    });
  });

  describe('destroying one key', () => {
    it('erases what was sealed under it, and says when', async () => {
      const subject = memory();
      const sealed = sealContent(await keys.createKey({ workspaceId, subject, scopes: ['user:u1'] }), { text: 'secret' });
      const { destroyedAt } = await keys.destroyKey({ workspaceId, subject });
      const lookup = await keys.getKey({ workspaceId, subject });
      expect(lookup).to.deep.equal({ state: 'destroyed', destroyedAt });
      expect(openContent(lookup, sealed)).to.deep.equal({ status: 'erased', erasedAt: destroyedAt });
    });

    it('is idempotent and keeps the first destroy’s time', async () => {
      const subject = memory();
      await keys.createKey({ workspaceId, subject, scopes: [] });
      const first = await keys.destroyKey({ workspaceId, subject });
      expect(await keys.destroyKey({ workspaceId, subject })).to.deep.equal(first);
    });

    it('never makes a key again for a destroyed subject, even one that had none', async () => {
      const subject = memory();
      await keys.createKey({ workspaceId, subject, scopes: [] });
      await keys.destroyKey({ workspaceId, subject });
      expect(await thrownBy(() => keys.createKey({ workspaceId, subject, scopes: [] }))).to.be.instanceOf(DataKeyDestroyed);
      const never = memory();
      await keys.destroyKey({ workspaceId, subject: never });
      expect((await keys.getKey({ workspaceId, subject: never })).state).to.equal('destroyed');
      expect(await thrownBy(() => keys.createKey({ workspaceId, subject: never, scopes: [] }))).to.be.instanceOf(DataKeyDestroyed);
    });

    it('leaves the same subject in another workspace alone', async () => {
      const subject = memory();
      await keys.createKey({ workspaceId, subject, scopes: [] });
      await keys.createKey({ workspaceId: `${workspaceId}-other`, subject, scopes: [] });
      await keys.destroyKey({ workspaceId, subject });
      expect((await keys.getKey({ workspaceId: `${workspaceId}-other`, subject })).state).to.equal('live');
    });
  });

  describe('destroying a scope', () => {
    it('destroys exactly the keys of that kind and scope in that workspace', async () => {
      const mine = [memory(), memory()];
      for (const subject of mine) await keys.createKey({ workspaceId, subject, scopes: ['user:u1'] });
      const survivors: DataKeyRef[] = [
        { workspaceId, subject: memory() }, // another user
        { workspaceId, subject: memory() }, // a user whose id starts like u1's
        { workspaceId, subject: `document:${randomUUID()}` }, // the same user's, of another kind
        { workspaceId: `${workspaceId}-other`, subject: memory() }, // the same user id in another workspace
      ];
      const scopesOf = [['user:u2'], ['user:u10'], ['user:u1'], ['user:u1']];
      for (const [i, ref] of survivors.entries()) await keys.createKey({ ...ref, scopes: scopesOf[i]! });

      const { destroyed } = await keys.destroyScope({ workspaceId, kind: 'memory', scope: 'user:u1' });

      expect(destroyed.map((d) => d.subject)).to.deep.equal([...mine].sort());
      for (const subject of mine) expect((await keys.getKey({ workspaceId, subject })).state).to.equal('destroyed');
      for (const ref of survivors) expect((await keys.getKey(ref)).state, ref.subject).to.equal('live');
    });

    it('finds a key by any one of its scopes, and reports only the keys it destroyed now', async () => {
      const subject = memory();
      await keys.createKey({ workspaceId, subject, scopes: ['session:s1', 'user:u1'] });
      expect((await keys.destroyScope({ workspaceId, kind: 'memory', scope: 'session:s1' })).destroyed).to.have.length(1);
      expect((await keys.destroyScope({ workspaceId, kind: 'memory', scope: 'user:u1' })).destroyed).to.deep.equal([]);
    });
  });

  describe('master keys', () => {
    it('keeps keys readable after the master key rotates, and re-wraps them so the old one can go', async () => {
      const subject = memory();
      const sealed = sealContent(await keys.createKey({ workspaceId, subject, scopes: [] }), 'kept');
      const next = keyringOf(randomBytes(32));
      const rotated = fixture.reopen({ current: next.current, previous: [keyring.current] });
      expect(openContent(await rotated.getKey({ workspaceId, subject }), sealed)).to.deep.equal({ status: 'opened', content: 'kept' });

      expect(await rotated.rewrapKeys({ batchSize: 1 })).to.deep.equal({ rewrapped: 1 });
      expect(await rotated.rewrapKeys()).to.deep.equal({ rewrapped: 0 });
      const retired = fixture.reopen(next);
      expect(openContent(await retired.getKey({ workspaceId, subject }), sealed)).to.deep.equal({ status: 'opened', content: 'kept' });
    });

    it('re-wrapping leaves destroyed keys destroyed', async () => {
      const subject = memory();
      await keys.createKey({ workspaceId, subject, scopes: [] });
      await keys.destroyKey({ workspaceId, subject });
      const rotated = fixture.reopen({ current: keyringOf(randomBytes(32)).current, previous: [keyring.current] });
      expect(await rotated.rewrapKeys()).to.deep.equal({ rewrapped: 0 });
      expect((await rotated.getKey({ workspaceId, subject })).state).to.equal('destroyed');
    });

    it('refuses a key wrapped under a master key it does not hold', async () => {
      const subject = memory();
      await keys.createKey({ workspaceId, subject, scopes: [] });
      const other = fixture.reopen(keyringOf(randomBytes(32)));
      expect(await thrownBy(() => other.getKey({ workspaceId, subject }))).to.be.instanceOf(MasterKeyMissing);
    });

  });
};
