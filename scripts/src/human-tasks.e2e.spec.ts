import { expect } from 'chai';
import { describeOnPlatform, eventually, expectProblem, fieldsOf, freshWorkspace, minPosition, sessionBody, UUID, workspaceClient } from './testing/server.js';

describeOnPlatform('human tasks over HTTP', (server) => {
  const { call, ok } = workspaceClient(server);
  const unknown = '00000000-0000-4000-8000-000000000000';
  /** The seed's body, unchanged. */
  const seedTask = { task_type: 'approval', title: 'Approve refund', run_id: 'run-id', node_run_id: 'node-run-id', assigned_to: 'ops-1', request_payload_json: { amount: 99 } };
  const read = async (id: string, position: number, prefix = '') => {
    const answer = await call('GET', `${prefix}/human/tasks/${id}`, undefined, minPosition(position));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  };
  const streamOf = async (id: string) => (await call('GET', `/streams/humantask-${id}`)).body.events as { type: string; data: Record<string, unknown> }[];
  const claimed = async (body: Record<string, unknown> = seedTask) => {
    const task = await ok('POST', '/human/tasks', body);
    await ok('POST', `/human/tasks/${task.id}/claim`, { claimed_by: 'ops-1' });
    return task.id as string;
  };

  for (const prefix of ['', '/gateway']) {
    it(`runs the seed's three examples: create, claim by ops-1, approve${prefix ? ' under /gateway' : ''}`, async () => {
      const created = await call('POST', `${prefix}/human/tasks`, seedTask);
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.id).to.match(UUID);
      const { id } = created.body;
      const pending = await read(id, created.body.position, prefix);
      expect(pending).to.deep.include({ ...seedTask, id, status: 'pending', claimed_by: null, response_payload_json: null, due_at: null, subject: null, approved_input: null });
      const claim = await call('POST', `${prefix}/human/tasks/${id}/claim`, { claimed_by: 'ops-1' });
      expect(claim.status, JSON.stringify(claim.body)).to.equal(202);
      expect((await read(id, claim.body.position, prefix)).claimed_by).to.equal('ops-1');
      const complete = await call('POST', `${prefix}/human/tasks/${id}/complete`, { status: 'approved', response_payload_json: { approved: true } });
      expect(complete.status, JSON.stringify(complete.body)).to.equal(202);
      const done = await read(id, complete.body.position, prefix);
      expect(done).to.deep.include({ status: 'approved', claimed_by: 'ops-1', resolved_by: 'ops-1', response_payload_json: { approved: true }, comment: null, approved_input: null });
      expect(done.resolved_time).to.be.a('string');
      expect(done.history.map((h: { action: string; status: string; actor: string | null; position: number }) => [h.position, h.action, h.status, h.actor])).to.deep.equal([
        [1, 'created', 'pending', null],
        [2, 'claimed', 'claimed', 'ops-1'],
        [3, 'approved', 'approved', 'ops-1'],
      ]);
      const listed = await call('GET', `${prefix}/human/tasks?status=approved&assigned_to=ops-1&run_id=run-id`);
      expect(listed.body.items.map((t: { id: string }) => t.id)).to.deep.equal([id]);
    });
  }

  it('never records a subject sent in a body: only the platform names the call an approval binds', async () => {
    const subject = { kind: 'tool', code: 'refund', ref_id: null, version_id: null, input_json: { amount: 1 }, input_hash: 'sha256:forged' };
    const task = await ok('POST', '/human/tasks', { ...seedTask, subject });
    const [event] = await streamOf(task.id);
    expect(event!.data.subject).to.equal(null);
    await ok('POST', `/human/tasks/${task.id}/claim`, { claimed_by: 'ops-1' });
    const approved = await ok('POST', `/human/tasks/${task.id}/complete`, { status: 'approved', subject, response_payload_json: { input_json: { amount: 1 } } });
    expect((await streamOf(task.id))[2]!.data.approved_input).to.equal(null);
    expect(await read(task.id, approved.position)).to.deep.include({ subject: null, approved_input: null });
  });

  it('answers input, takeover, pause and resume tasks with completed, rejects approvals and reviews, and keeps the comment', async () => {
    const input = await claimed({ ...seedTask, task_type: 'input', title: 'What is the order number?' });
    const answered = await ok('POST', `/human/tasks/${input}/complete`, { status: 'completed', response_payload_json: { answer: 'A-17' }, comment: 'from the call' });
    expect(await read(input, answered.position)).to.deep.include({ status: 'completed', resolved_by: 'ops-1', response_payload_json: { answer: 'A-17' }, comment: 'from the call' });
    const review = await claimed({ ...seedTask, task_type: 'review' });
    const rejected = await ok('POST', `/human/tasks/${review}/complete`, { status: 'rejected', comment: 'amount too high' });
    const task = await read(review, rejected.position);
    expect(task).to.deep.include({ status: 'rejected', comment: 'amount too high', response_payload_json: {} });
    expect(task.history.at(-1)).to.deep.include({ action: 'rejected', actor: 'ops-1', comment: 'amount too high' });
  });

  it('refuses the wrong answer for a type with a 400 naming body.status, appending nothing', async () => {
    const approval = await claimed();
    expect(fieldsOf(await call('POST', `/human/tasks/${approval}/complete`, { status: 'completed' }))).to.deep.equal(['body.status']);
    const input = await claimed({ ...seedTask, task_type: 'input' });
    const refused = await call('POST', `/human/tasks/${input}/complete`, { status: 'approved' });
    expectProblem(refused, 400, 'HUMAN_TASK_STATUS_INVALID');
    expect(fieldsOf(refused)).to.deep.equal(['body.status']);
    expect((await streamOf(approval)).length).to.equal(2);
    expect((await streamOf(input)).length).to.equal(2);
  });

  it('lets only the claimer answer or release a claimed task; 409 otherwise, appending nothing', async () => {
    const id = await claimed();
    expectProblem(await call('POST', `/human/tasks/${id}/complete`, { status: 'approved', completed_by: 'ops-2' }), 409, 'HUMAN_TASK_CLAIMED_BY_OTHER');
    expectProblem(await call('POST', `/human/tasks/${id}/release`, { released_by: 'ops-2' }), 409, 'HUMAN_TASK_CLAIMED_BY_OTHER');
    expectProblem(await call('POST', `/human/tasks/${id}/claim`, { claimed_by: 'ops-2' }), 409, 'HUMAN_TASK_CLAIMED');
    expect((await streamOf(id)).length).to.equal(2);
    const again = await call('POST', `/human/tasks/${id}/claim`, { claimed_by: 'ops-1' });
    expect(again.status, 'claiming what one holds changes nothing').to.equal(202);
    expect((await streamOf(id)).length).to.equal(2);
  });

  it('releases a claimed task to pending, for another to claim and answer', async () => {
    const id = await claimed();
    const released = await ok('POST', `/human/tasks/${id}/release`, { released_by: 'ops-1' });
    expect(await read(id, released.position)).to.deep.include({ status: 'pending', claimed_by: null, claimed_time: null });
    expectProblem(await call('POST', `/human/tasks/${id}/release`, {}), 409, 'HUMAN_TASK_PENDING');
    await ok('POST', `/human/tasks/${id}/claim`, { claimed_by: 'ops-2' });
    const done = await ok('POST', `/human/tasks/${id}/complete`, { status: 'approved' });
    const task = await read(id, done.position);
    expect(task).to.deep.include({ status: 'approved', resolved_by: 'ops-2' });
    expect(task.history.map((h: { action: string; actor: string }) => `${h.action}:${h.actor}`)).to.deep.equal(['created:null', 'claimed:ops-1', 'released:ops-1', 'claimed:ops-2', 'approved:ops-2']);
  });

  it('refuses with a 409 naming the current status: answering a pending task, and anything after the end', async () => {
    const pending = await ok('POST', '/human/tasks', seedTask);
    expectProblem(await call('POST', `/human/tasks/${pending.id}/complete`, { status: 'approved' }), 409, 'HUMAN_TASK_PENDING');
    const id = await claimed();
    await ok('POST', `/human/tasks/${id}/complete`, { status: 'rejected' });
    for (const [path, body] of [['claim', { claimed_by: 'ops-1' }], ['release', {}], ['complete', { status: 'approved' }], ['cancel', {}]] as const) {
      const refused = await call('POST', `/human/tasks/${id}/${path}`, body);
      expectProblem(refused, 409, 'HUMAN_TASK_REJECTED');
      expect(refused.body.detail).to.contain('rejected');
    }
    expect((await streamOf(id)).length).to.equal(3);
  });

  it('cancels a pending or claimed task with its reason, once', async () => {
    const pending = await ok('POST', '/human/tasks', seedTask);
    const cancelled = await ok('POST', `/human/tasks/${pending.id}/cancel`, { reason: 'refund withdrawn', cancelled_by: 'ops-lead' });
    expect(await read(pending.id, cancelled.position)).to.deep.include({ status: 'cancelled', comment: 'refund withdrawn', resolved_by: 'ops-lead' });
    expectProblem(await call('POST', `/human/tasks/${pending.id}/cancel`, {}), 409, 'HUMAN_TASK_CANCELLED');
    const id = await claimed();
    const done = await ok('POST', `/human/tasks/${id}/cancel`, {});
    expect((await read(id, done.position)).history.at(-1)).to.deep.include({ action: 'cancelled', status: 'cancelled', actor: null, comment: null });
  });

  it('refuses bad bodies with a 400 naming each field, appending nothing', async () => {
    const before = (await call('GET', '/events?limit=1000')).body.items.length;
    expect(fieldsOf(await call('POST', '/human/tasks', { ...seedTask, task_type: 'approve' }))).to.deep.equal(['body.task_type']);
    expect(fieldsOf(await call('POST', '/human/tasks', { task_type: 'input' }))).to.deep.equal(['body.title']);
    expect(fieldsOf(await call('POST', '/human/tasks', { ...seedTask, due_at: 'tomorrow' }))).to.deep.equal(['body.due_at']);
    expect(fieldsOf(await call('POST', '/human/tasks', { ...seedTask, request_payload_json: [1] }))).to.deep.equal(['body.request_payload_json']);
    const id = await claimed();
    expect(fieldsOf(await call('POST', `/human/tasks/${id}/claim`, {}))).to.deep.equal(['body.claimed_by']);
    expect(fieldsOf(await call('POST', `/human/tasks/${id}/complete`, { status: 'done' }))).to.deep.equal(['body.status']);
    expect(fieldsOf(await call('POST', `/human/tasks/${id}/complete`, { status: 'approved', response_payload_json: 'yes' }))).to.deep.equal(['body.response_payload_json']);
    expect(fieldsOf(await call('POST', '/human/tasks/not-a-uuid/claim', { claimed_by: 'ops-1' }))).to.deep.equal(['params.id']);
    expect((await call('GET', '/events?limit=1000')).body.items.length).to.equal(before + 2);
  });

  it("answers 404 for an unknown task and for another workspace's, on every route, appending nothing", async () => {
    const task = await ok('POST', '/human/tasks', seedTask);
    const other = { 'x-workspace-id': freshWorkspace() };
    for (const [id, as] of [[unknown, {}], [task.id, other]] as const) {
      for (const [path, body] of [['claim', { claimed_by: 'ops-1' }], ['release', {}], ['complete', { status: 'approved' }], ['cancel', {}]] as const) {
        expectProblem(await call('POST', `/human/tasks/${id}/${path}`, body, as), 404, 'HUMAN_TASK_NOT_FOUND');
      }
      expectProblem(await call('GET', `/human/tasks/${id}`, undefined, { ...as, ...minPosition(task.position) }), 404, 'HUMAN_TASK_NOT_FOUND');
    }
    expect((await call('GET', '/human/tasks', undefined, { ...other, ...minPosition(task.position) })).body.items).to.deep.equal([]);
    expect((await streamOf(task.id)).length).to.equal(1);
  });

  it("takes a run of the workspace, or any other reference, as run_id, but answers 404 for another workspace's run", async () => {
    const agent = await ok('POST', '/agents', { code: 'refunds', name: 'Refunds' });
    await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'You refund.', model_config: { model: 'gpt-test' } });
    const session = await ok('POST', '/sessions', sessionBody());
    const run = await ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'refund', auto_execute: false });
    const task = await ok('POST', '/human/tasks', { ...seedTask, run_id: run.id });
    expect((await read(task.id, task.position)).run_id).to.equal(run.id);
    const other = { 'x-workspace-id': freshWorkspace() };
    const refused = await call('POST', '/human/tasks', { ...seedTask, run_id: run.id.toUpperCase() }, other);
    expectProblem(refused, 404, 'RUN_NOT_FOUND');
    expect(fieldsOf(refused)).to.deep.equal(['body.run_id']);
    expect((await call('GET', '/events', undefined, other)).body.items).to.deep.equal([]);
    expect((await call('POST', '/human/tasks', { ...seedTask, run_id: unknown }, other)).status).to.equal(201);
  });

  it('creates once per Idempotency-Key, answering the first task again', async () => {
    const key = { 'idempotency-key': `k-${Math.random()}` };
    const first = await call('POST', '/human/tasks', seedTask, key);
    const again = await call('POST', '/human/tasks', seedTask, key);
    expect(again.status).to.equal(201);
    expect(again.body).to.deep.equal(first.body);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
  });

  it('lists newest first, filtered by status, assignee and run, a page at a time', async () => {
    const a = await ok('POST', '/human/tasks', { ...seedTask, assigned_to: 'ops-1', run_id: 'run-a' });
    const b = await ok('POST', '/human/tasks', { ...seedTask, assigned_to: 'ops-2', run_id: 'run-a' });
    const c = await ok('POST', '/human/tasks', { ...seedTask, assigned_to: 'ops-1', run_id: 'run-b' });
    const claim = await ok('POST', `/human/tasks/${c.id}/claim`, { claimed_by: 'ops-1' });
    const ids = async (query: string) => {
      const answer = await call('GET', `/human/tasks${query}`, undefined, minPosition(claim.position));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      return answer.body.items.map((t: { id: string }) => t.id);
    };
    expect(await ids('')).to.deep.equal([c.id, b.id, a.id]);
    expect(await ids('?assigned_to=ops-1')).to.deep.equal([c.id, a.id]);
    expect(await ids('?run_id=run-a')).to.deep.equal([b.id, a.id]);
    expect(await ids('?status=pending')).to.deep.equal([b.id, a.id]);
    expect(await ids('?status=claimed&assigned_to=ops-1')).to.deep.equal([c.id]);
    const first = await call('GET', '/human/tasks?limit=2', undefined, minPosition(claim.position));
    expect(first.body.items.map((t: { id: string }) => t.id)).to.deep.equal([c.id, b.id]);
    const second = await call('GET', `/human/tasks?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.items.map((t: { id: string }) => t.id)).to.deep.equal([a.id]);
    expect(second.body.next_cursor).to.equal(null);
    expect(fieldsOf(await call('GET', '/human/tasks?status=done'))).to.deep.equal(['query.status']);
  });
});

describeOnPlatform(
  'human tasks past their due_at',
  (server) => {
    const { call, ok } = workspaceClient(server);
    const task = (due_at: string) => ({ task_type: 'input', title: 'Order number?', assigned_to: 'ops-1', due_at });

    it('expires the open tasks past their due_at and no other; an expired task takes no action, a 409 naming expired', async () => {
      const past = new Date(Date.now() - 1000).toISOString();
      const pending = await ok('POST', '/human/tasks', task(past));
      const claimedTask = await ok('POST', '/human/tasks', task(past));
      await ok('POST', `/human/tasks/${claimedTask.id}/claim`, { claimed_by: 'ops-1' });
      const future = await ok('POST', '/human/tasks', task(new Date(Date.now() + 3_600_000).toISOString()));
      const none = await ok('POST', '/human/tasks', { task_type: 'input', title: 'No deadline' });
      for (const id of [pending.id, claimedTask.id]) {
        const expired = await eventually(async () => {
          const read = (await call('GET', `/human/tasks/${id}`)).body;
          expect(read.status).to.equal('expired');
          return read;
        });
        expect(expired.resolved_time).to.be.a('string');
        expect(expired.history.at(-1)).to.deep.include({ action: 'expired', status: 'expired', actor: null });
      }
      expectProblem(await call('POST', `/human/tasks/${claimedTask.id}/complete`, { status: 'completed' }), 409, 'HUMAN_TASK_EXPIRED');
      expectProblem(await call('POST', `/human/tasks/${pending.id}/claim`, { claimed_by: 'ops-1' }), 409, 'HUMAN_TASK_EXPIRED');
      const { body } = await call('GET', `/streams/humantask-${claimedTask.id}`);
      expect(body.events.map((e: { type: string }) => e.type)).to.deep.equal(['HumanTaskCreated', 'HumanTaskClaimed', 'HumanTaskExpired']);
      // Several sweeps later, the others are as they were.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const id of [future.id, none.id]) expect((await call('GET', `/human/tasks/${id}`)).body.status).to.equal('pending');
      expect((await call('GET', '/human/tasks?status=expired')).body.items.map((t: { id: string }) => t.id)).to.have.members([pending.id, claimedTask.id]);
    });
  },
  { env: { AGENT_PLATFORM_HUMAN_TASK_EXPIRY_INTERVAL_MS: '25' } },
);
