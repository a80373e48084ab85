import { expect } from 'chai';
import { repeatEvery } from './repeat.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('work repeated on an interval', () => {
  it('runs at once, then again after each interval', async () => {
    let runs = 0;
    const repeated = repeatEvery(20, async () => void runs++);
    await sleep(90);
    await repeated.stop();
    expect(runs).to.be.within(3, 6);
  });

  it('given a stop while its first run is under way, ends when that run ends, not an interval later', async () => {
    let release!: () => void;
    const repeated = repeatEvery(60_000, () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(5);
    const started = Date.now();
    const stopping = repeated.stop();
    release();
    await stopping;
    expect(Date.now() - started).to.be.lessThan(1000);
  });

  it('given a stop while it waits, ends at once, and runs no more', async () => {
    let runs = 0;
    const repeated = repeatEvery(60_000, async () => void runs++);
    await sleep(5);
    const started = Date.now();
    await repeated.stop();
    expect(Date.now() - started).to.be.lessThan(1000);
    await sleep(20);
    expect(runs).to.equal(1);
  });
});
