import { expect } from 'chai';
import { repeatedLog } from './repeatedLog.js';
import { capturingLogger } from './testing/logs.js';

describe('repeatedLog', () => {
  it('logs an error a loop meets a thousand times in a minute twice, with the count of those it held back', () => {
    const { log, lines } = capturingLogger();
    let clock = 0;
    const failed = repeatedLog(log, 'error', 'page failed; retrying', { everyMs: 30_000, now: () => clock });
    for (let i = 0; i < 1000; i++, clock += 60) failed({ attempt: i + 1 });
    expect(lines.map((l) => [l.msg, l.repeated, l.attempt])).to.deep.equal([
      ['page failed; retrying', 1, 1],
      ['page failed; retrying', 500, 501],
    ]);
    expect(failed.suppressed()).to.equal(499);
  });

  it('keeps its window over successes: a loop that fails and recovers in turn is bounded too', () => {
    const { log, lines } = capturingLogger();
    let clock = 0;
    const failed = repeatedLog(log, 'warn', 'flapping', { everyMs: 1000, now: () => clock });
    for (let i = 0; i < 100; i++, clock += 50) failed({});
    expect(lines).to.have.length(5);
    expect(lines[0]).to.include({ level: 40, msg: 'flapping' });
  });
});
