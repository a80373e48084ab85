import { expect } from 'chai';
import { humanTaskDecider, sendCommand } from '@agent-platform/command-api/commands';
import { HUMAN_TASK_ENDINGS, type HumanTaskCommand } from '@agent-platform/contracts';
import { createInMemoryEventStore } from '@agent-platform/infra/testing';
import { expireDueHumanTasks, HUMAN_TASK_EXPIRY_BATCH } from './expiry.js';

const WS = 'ws-1';
const DUE = '2026-12-08T12:00:00.000Z';
const NOW = new Date('2026-12-08T12:00:01.000Z');
const id = (n: number) => `6${String(n).padStart(7, '0')}-1111-4111-8111-111111111111`;

describe('the human task expiry sweep', () => {
  const given = async (count = 1, due_at: string = DUE) => {
    const store = createInMemoryEventStore();
    const send = (n: number, command: HumanTaskCommand, newStream = false) => sendCommand(store, humanTaskDecider, `humantask-${id(n)}`, command, { workspaceId: WS }, { newStream });
    for (let n = 0; n < count; n++) {
      await send(n, { type: 'CreateHumanTask', data: { task_id: id(n), workspace_id: WS, task_type: 'approval', title: 't', request_payload_json: {}, due_at, subject: null } }, true);
    }
    const types = async (n = 0) => (await store.readStream(`humantask-${id(n)}`)).map((e) => e.type);
    /** As the read model would list them: the tasks whose streams have not ended, at most `limit`; or every task, however stale. */
    const open = async () => {
      const all = Array.from({ length: count }, (_, n) => n);
      const ended = await Promise.all(all.map(async (n) => HUMAN_TASK_ENDINGS.has((await types(n)).at(-1)!)));
      return all.filter((n) => !ended[n]);
    };
    const sweep = (stale = false) =>
      expireDueHumanTasks({ store, due: async (_now, limit) => (stale ? Array.from({ length: count }, (_, n) => n) : await open()).slice(0, limit).map((n) => ({ workspace_id: WS, id: id(n) })) }, NOW);
    return { store, send, sweep, types };
  };

  it('records HumanTaskExpired, with its due_at, for an open task past it: pending or claimed', async () => {
    const { sweep, types, store, send } = await given(2);
    await send(1, { type: 'ClaimHumanTask', data: { task_id: id(1), workspace_id: WS, claimed_by: 'ops-1' } });
    expect(await sweep()).to.equal(2);
    expect(await types(0)).to.deep.equal(['HumanTaskCreated', 'HumanTaskExpired']);
    expect(await types(1)).to.deep.equal(['HumanTaskCreated', 'HumanTaskClaimed', 'HumanTaskExpired']);
    expect((await store.readStream(`humantask-${id(0)}`))[1]!.data).to.deep.equal({ task_id: id(0), due_at: DUE });
  });

  it('leaves a task the read model lists but whose stream says it is not due yet, or ended', async () => {
    const early = await given(1, '2026-12-08T12:00:02.000Z');
    expect(await early.sweep(true)).to.equal(0);
    expect(await early.types()).to.deep.equal(['HumanTaskCreated']);
    const answered = await given(1);
    await answered.send(0, { type: 'CancelHumanTask', data: { task_id: id(0), workspace_id: WS, reason: null, cancelled_by: null } });
    expect(await answered.sweep(true)).to.equal(0);
    expect(await answered.types()).to.deep.equal(['HumanTaskCreated', 'HumanTaskCancelled']);
  });

  it('expires a task once when two sweeps race, and not again on the next sweep', async () => {
    const { sweep, types } = await given();
    const expired = await Promise.all([sweep(true), sweep(true)]);
    expect(expired.reduce((a, b) => a + b)).to.equal(1);
    expect(await sweep(true)).to.equal(0);
    expect(await types()).to.deep.equal(['HumanTaskCreated', 'HumanTaskExpired']);
  });

  it('takes a backlog larger than a batch in one sweep, and stops on a full batch of which nothing expires', async () => {
    const backlog = await given(HUMAN_TASK_EXPIRY_BATCH + 20);
    expect(await backlog.sweep()).to.equal(HUMAN_TASK_EXPIRY_BATCH + 20);
    // A read model that lags lists the same full batch again: the sweep ends instead of asking for ever.
    expect(await backlog.sweep(true)).to.equal(0);
  });
});
