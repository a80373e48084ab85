import { expect } from 'chai';
import pino from 'pino';
import { ConflictError, streamId } from '@agent-platform/contracts';
import { sendCommand } from '@agent-platform/command-api/commands';
import { createInMemoryEventStore, type InMemoryEventStore } from '@agent-platform/infra/testing';
import { createRunKernel, type KernelDeps } from './executor.js';
import { countdownDecider, countdownKind, type Behaviour, type CountdownCommand } from './testing/countdownRun.js';

const silent = pino({ level: 'silent' });
const RUN = 'run-1';
const stream = streamId('countdown', RUN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('durable-run kernel', () => {
  let store: InMemoryEventStore;
  beforeEach(() => {
    store = createInMemoryEventStore();
  });

  const kernelOf = (behaviour: Behaviour = {}, deps: Partial<KernelDeps> = {}) =>
    createRunKernel(countdownKind(behaviour), { store, log: silent, leaseMs: 15_000, maxAttempts: 3, ...deps });
  /** Another writer of the run's stream: whoever queues, cancels or wakes it. */
  const send = (command: CountdownCommand) => sendCommand(store, countdownDecider, stream, command, { workspaceId: 'ws' }, { retryOnConflict: 3 });
  const types = async () => (await store.readStream(stream)).map((e) => e.type);
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'none',
      (error: unknown) => (error instanceof ConflictError ? error.code : String(error)),
    );

  describe('given a queued run', () => {
    beforeEach(() => send({ type: 'Queue', data: { target: 3 } }));

    it('drives it to its end under one lease', async () => {
      const { done } = await kernelOf().start(RUN, { workerKey: 'w1' });
      expect(await done).to.deep.equal({ status: 'completed', ticks: 3, attempts: 1, error: null });
      expect(await types()).to.deep.equal(['Queued', 'Leased', 'Ticked', 'Ticked', 'Ticked', 'Completed']);
    });

    it('joins a run it drives already instead of leasing it again', async () => {
      const kernel = kernelOf();
      const [a, b] = await Promise.all([kernel.start(RUN, { workerKey: 'w1' }), kernel.start(RUN, { workerKey: 'w2' })]);
      expect(a.done).to.equal(b.done);
      await a.done;
      expect((await types()).filter((t) => t === 'Leased')).to.have.length(1);
    });

    it('refuses it while another worker holds its lease, then takes it over and resumes from the journal', async () => {
      const other = kernelOf({ tickOncePerLease: true }, { leaseMs: 300 });
      await (await other.start(RUN, { workerKey: 'other' })).done.catch(() => undefined); // ticked once, then its step threw: the lease lives on
      expect(await codeOf(kernelOf().start(RUN, { workerKey: 'w1' }))).to.equal('COUNTDOWN_LEASED');
      await sleep(350);
      const { done } = await kernelOf().start(RUN, { workerKey: 'w1' });
      expect(await done).to.deep.include({ status: 'completed', ticks: 3, attempts: 2 });
      expect((await types()).filter((t) => t === 'Ticked')).to.have.length(3);
    });

    it('ends a run leased maxAttempts times in a row without recording a step', async () => {
      const kernel = kernelOf({ throwAt: 0 }, { leaseMs: 1 });
      const errors: string[] = [];
      for (let i = 0; i < 6; i++) {
        await sleep(5);
        const outcome = await kernel.start(RUN, { workerKey: 'w1' }).then(({ done }) => done).catch((error: unknown) => error);
        errors.push(outcome instanceof Error ? outcome.message : JSON.stringify(outcome));
      }
      expect(errors.slice(0, 3)).to.deep.equal(['the step failed', 'the step failed', 'the step failed']);
      expect(errors[3]).to.equal(JSON.stringify({ status: 'failed', ticks: 0, attempts: 4, error: 'COUNTDOWN_ATTEMPTS_EXHAUSTED' }));
      expect(errors.slice(4)).to.deep.equal(['countdown run run-1 is failed', 'countdown run run-1 is failed']);
      expect(await types()).to.deep.equal(['Queued', 'Leased', 'Leased', 'Leased', 'Leased', 'Failed']);
    });

    it('keeps resuming a run that gets further at every lease, however often', async () => {
      store = createInMemoryEventStore();
      await send({ type: 'Queue', data: { target: 6 } });
      const kernel = kernelOf({ tickOncePerLease: true }, { leaseMs: 1 });
      let outcome: unknown;
      for (let i = 0; i < 8 && !outcome; i++) {
        await sleep(5);
        outcome = await kernel.start(RUN, { workerKey: 'w1' }).then(({ done }) => done).catch(() => undefined);
      }
      expect(outcome).to.deep.include({ status: 'completed', ticks: 6, attempts: 6 });
    });

    it('lets a run go when another writer cancels it: the step is aborted and done says cancelled', async () => {
      const { done } = await kernelOf({ holdTicks: true }, { leaseMs: 300 }).start(RUN, { workerKey: 'w1' });
      await send({ type: 'Cancel', data: {} });
      expect(await done).to.deep.include({ status: 'cancelled', ticks: 0 });
    });

    it('stops every run in flight when the process stops, leaving it to be resumed', async () => {
      const kernel = kernelOf({ holdTicks: true });
      const { done } = await kernel.start(RUN, { workerKey: 'w1' });
      await kernel.stop();
      expect(await done).to.deep.include({ status: 'running', ticks: 0 });
      expect(await types()).to.deep.equal(['Queued', 'Leased']);
    });
  });

  describe('given a run that waits for an outside event at its second tick', () => {
    beforeEach(() => send({ type: 'Queue', data: { target: 2, waitAt: 1 } }));

    it('settles when it starts waiting, is not driven while it waits, and goes on once woken', async () => {
      const kernel = kernelOf();
      expect(await (await kernel.start(RUN, { workerKey: 'w1' })).done).to.deep.include({ status: 'waiting', ticks: 1 });
      expect(await codeOf(kernel.start(RUN, { workerKey: 'w2' }))).to.equal('COUNTDOWN_WAITING');
      await send({ type: 'Wake', data: {} });
      // Waiting ended the first lease, so a new one is taken at once, its 15 s notwithstanding.
      expect(await (await kernel.start(RUN, { workerKey: 'w2' })).done).to.deep.include({ status: 'completed', ticks: 2, attempts: 2 });
      expect(await types()).to.deep.equal(['Queued', 'Leased', 'Ticked', 'Waited', 'Woken', 'Leased', 'Ticked', 'Completed']);
    });
  });

  describe('executing a run that waits for an outside event at its second tick', () => {
    beforeEach(() => send({ type: 'Queue', data: { target: 2, waitAt: 1 } }));

    it('waits for the worker that holds it until the run settles, which a wait does', async function () {
      // Settling is seen on the run's stream, not at the end of the caller's wait.
      this.timeout(3_000);
      await kernelOf({ tickDelayMs: 100 }).start(RUN, { workerKey: 'holder' });
      const executed = await kernelOf().execute(RUN, 'ws', { workerKey: 'caller', waitMs: 60_000 });
      expect(executed).to.deep.equal({ settled: true, outcome: { status: 'waiting', ticks: 1, attempts: 1, error: null } });
    });

    it('answers where the run stands when the wait is over first, and 404 in another workspace', async () => {
      await kernelOf({ tickDelayMs: 200 }).start(RUN, { workerKey: 'holder' });
      expect(await kernelOf().execute(RUN, 'ws', { workerKey: 'caller', waitMs: 20 })).to.deep.include({ settled: false });
      const elsewhere = await kernelOf().execute(RUN, 'ws-other', { workerKey: 'caller', waitMs: 20 }).catch((error: unknown) => error);
      expect(elsewhere).to.have.property('code', 'COUNTDOWN_NOT_FOUND');
    });

    it('refuses a claim of a run that settled', async () => {
      await (await kernelOf().start(RUN, { workerKey: 'w1' })).done;
      expect(await codeOf(kernelOf().execute(RUN, 'ws', { workerKey: 'w2', waitMs: 20, claim: true }))).to.equal('COUNTDOWN_ENDED');
    });
  });

  describe('given a run that waits 100 ms at its second tick', () => {
    beforeEach(() => send({ type: 'Queue', data: { target: 2, waitAt: 1, waitMs: 100 } }));

    it('is not driven before that time and is driven after it', async () => {
      const kernel = kernelOf();
      expect(await (await kernel.start(RUN, { workerKey: 'w1' })).done).to.deep.include({ status: 'waiting' });
      expect(await codeOf(kernel.start(RUN, { workerKey: 'w1' }))).to.equal('COUNTDOWN_WAITING');
      await sleep(120);
      expect(await (await kernel.start(RUN, { workerKey: 'w1' })).done).to.deep.include({ status: 'completed', ticks: 2 });
      expect((await types()).slice(-4)).to.deep.equal(['Leased', 'Woken', 'Ticked', 'Completed']);
    });
  });
});
