import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { spawnZombie } from '../../testing/processes.js';
import { stopOrphan } from './orphan.js';

describe('stopOrphan (the PostgreSQL a killed platform left)', () => {
  before(function () {
    if (!existsSync('/proc/self/stat')) this.skip(); // zombies and start times are read from /proc (Linux)
  });
  it('removes at once a postmaster.pid naming a zombie postmaster, which PostgreSQL would take for a running server', async function () {
    // Not a timing of the work: a zombie never dies, so stopping it as a live server waits out its 30 s bound and fails here.
    this.timeout(10_000);
    const pgData = await fs.mkdtemp(path.join(os.tmpdir(), 'ap-orphan-spec-'));
    const zombie = await spawnZombie('postgres');
    try {
      expect((await fs.readFile(`/proc/${zombie.pid}/comm`, 'utf8')).trim()).to.equal('postgres');
      await fs.writeFile(path.join(pgData, 'postmaster.pid'), `${zombie.pid}\n${pgData}\n`);
      await stopOrphan(pgData);
      await fs.access(path.join(pgData, 'postmaster.pid')).then(
        () => expect.fail('postmaster.pid is still there'),
        () => undefined,
      );
    } finally {
      await zombie.dispose();
      await fs.rm(pgData, { recursive: true, force: true });
    }
  });
});
