import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, DataDirUnusableError } from '../errors.js';
import { keyringOf } from './masterKeys.js';
import { loadMasterKeys, MASTER_KEY_FILE } from './masterKeyFile.js';

const thrownBy = async (work: () => Promise<unknown>): Promise<unknown> => work().then(() => undefined, (error: unknown) => error);
const base64Key = () => randomBytes(32).toString('base64');

describe('master keys from configuration or the data directory', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ap-master-key-'));
  });
  afterEach(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  const fileOf = () => path.join(dataDir, MASTER_KEY_FILE);

  it('uses AGENT_PLATFORM_MASTER_KEY when set, and writes no file', async () => {
    const key = base64Key();
    const { keyring, source } = await loadMasterKeys({ AGENT_PLATFORM_MASTER_KEY: key, dataDir });
    expect(source).to.equal('configured');
    expect(keyring.current.id).to.equal(keyringOf(Buffer.from(key, 'base64')).current.id);
    expect(await fs.readdir(dataDir)).to.deep.equal([]);
  });

  for (const [what, value] of [
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(33).toString('base64')],
    ['not base64', `${'!'.repeat(43)}=`],
  ] as const) {
    it(`refuses a master key that is ${what}, naming the variable and never the value`, async () => {
      const error = await thrownBy(() => loadMasterKeys({ AGENT_PLATFORM_MASTER_KEY: value, dataDir }));
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.contain('AGENT_PLATFORM_MASTER_KEY').and.not.contain(value);
    });
  }

  it('refuses a bad previous key, naming which entry and never its value', async () => {
    const bad = randomBytes(31).toString('base64');
    const error = await thrownBy(() =>
      loadMasterKeys({ AGENT_PLATFORM_MASTER_KEY: base64Key(), AGENT_PLATFORM_PREVIOUS_MASTER_KEYS: `${base64Key()}, ${bad}`, dataDir }),
    );
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message).to.contain('AGENT_PLATFORM_PREVIOUS_MASTER_KEYS (entry 2)').and.not.contain(bad);
  });

  it('keeps the previous keys beside the current one', async () => {
    const old = base64Key();
    const { keyring } = await loadMasterKeys({ AGENT_PLATFORM_MASTER_KEY: base64Key(), AGENT_PLATFORM_PREVIOUS_MASTER_KEYS: old, dataDir });
    expect(keyring.previous.map((k) => k.id)).to.deep.equal([keyringOf(Buffer.from(old, 'base64')).current.id]);
  });

  it('without the variable makes a random key file, 0600, on the first start and reuses it after', async () => {
    const first = await loadMasterKeys({ dataDir });
    expect(first.source).to.equal('file');
    expect((await fs.stat(fileOf())).mode & 0o777).to.equal(0o600);
    const again = await loadMasterKeys({ dataDir });
    expect(again.keyring.current.id).to.equal(first.keyring.current.id);
    expect(await fs.readdir(dataDir), 'no temporary file left').to.deep.equal([MASTER_KEY_FILE]);
  });

  it('makes the data directory when it does not exist yet', async () => {
    const nested = path.join(dataDir, 'not', 'yet');
    await loadMasterKeys({ dataDir: nested });
    expect(await fs.readdir(nested)).to.deep.equal([MASTER_KEY_FILE]);
  });

  it('gives processes starting at once on a fresh directory one key', async () => {
    const loaded = await Promise.all([1, 2, 3, 4].map(() => loadMasterKeys({ dataDir })));
    expect(new Set(loaded.map((l) => l.keyring.current.id)).size).to.equal(1);
  });

  it('closes a key file opened up to others', async () => {
    await loadMasterKeys({ dataDir });
    await fs.chmod(fileOf(), 0o644);
    await loadMasterKeys({ dataDir });
    expect((await fs.stat(fileOf())).mode & 0o777).to.equal(0o600);
  });

  for (const [what, content] of [
    ['an empty', ''],
    ['a damaged', 'not a key\n'],
  ] as const) {
    it(`refuses ${what} key file and leaves it as it is: a new key would leave every stored key unreadable`, async () => {
      await fs.writeFile(fileOf(), content, { mode: 0o600 });
      expect(await thrownBy(() => loadMasterKeys({ dataDir }))).to.be.instanceOf(DataDirUnusableError);
      expect(await fs.readFile(fileOf(), 'utf8')).to.equal(content);
    });
  }
});
