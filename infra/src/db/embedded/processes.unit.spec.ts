import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { spawnZombie } from '../../testing/processes.js';
import { isAlive, startTimeOf } from './processes.js';

describe('isAlive (the liveness of a data directory owner)', () => {
  before(function () {
    if (!existsSync('/proc/self/stat')) this.skip(); // zombies and start times are read from /proc (Linux)
  });
  it('takes a zombie for dead, though kill(pid, 0) still reaches it', async () => {
    const zombie = await spawnZombie();
    try {
      expect(() => process.kill(zombie.pid, 0), 'kill(pid, 0) on the zombie').not.to.throw();
      expect(isAlive(zombie.pid)).to.equal(false);
    } finally {
      await zombie.dispose();
    }
  });

  it('takes a live process for alive, and for dead when it started at another time than recorded (its pid reused)', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = child.pid!;
      const startedAt = startTimeOf(pid);
      expect(startedAt).to.match(/^\d+$/);
      expect(isAlive(pid)).to.equal(true);
      expect(isAlive(pid, startedAt)).to.equal(true);
      expect(isAlive(pid, String(Number(startedAt) - 1))).to.equal(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes a pid whose process exited and was reaped for dead', async () => {
    const child = spawn('true', { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isAlive(child.pid!)).to.equal(false);
  });
});
