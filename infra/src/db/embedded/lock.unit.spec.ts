import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DataDirInUseError } from '../../errors.js';
import { spawnZombie } from '../../testing/processes.js';
import { takeLock } from './lock.js';
import { startTimeOf } from './processes.js';

describe('takeLock (one platform per data directory)', () => {
  before(function () {
    if (!existsSync('/proc/self/stat')) this.skip(); // zombies and start times are read from /proc (Linux)
  });
  let dir: string;
  const lockFile = () => path.join(dir, 'agent-platform.lock');
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ap-lock-spec-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('takes over a lock naming a zombie, as an owner killed with its process group leaves it', async () => {
    const zombie = await spawnZombie();
    try {
      await fs.writeFile(lockFile(), `${zombie.pid}\n${startTimeOf(zombie.pid)}\n`);
      const release = await takeLock(dir);
      expect((await fs.readFile(lockFile(), 'utf8')).split('\n')).to.deep.equal([String(process.pid), startTimeOf(process.pid), '']);
      await release();
    } finally {
      await zombie.dispose();
    }
  });

  it('takes over a lock naming a live process that started later than the owner: the pid was reused', async () => {
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await fs.writeFile(lockFile(), `${bystander.pid}\n${Number(startTimeOf(bystander.pid!)) - 1}\n`);
      await (await takeLock(dir))();
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('refuses a lock naming a live process that started when the lock says, and leaves the lock alone', async () => {
    const owner = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const text = `${owner.pid}\n${startTimeOf(owner.pid!)}\n`;
      await fs.writeFile(lockFile(), text);
      const refused = await takeLock(dir).catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(DataDirInUseError);
      expect((refused as Error).message).to.contain(`pid ${owner.pid}`);
      expect(await fs.readFile(lockFile(), 'utf8')).to.equal(text);
    } finally {
      owner.kill('SIGKILL');
    }
  });
});
