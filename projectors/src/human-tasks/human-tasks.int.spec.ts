import { approvalHash } from '@agent-platform/contracts';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';
import { humanTasksProjection } from './module.js';

const TASK = '77777777-7777-4777-8777-777777777777';
const V = '88888888-8888-4888-8888-888888888888';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const DUE = '2026-01-02T00:00:00.000Z';
const workspace = { workspace_id: 'ws-1', user_id: 'user-9' };
const input = { amount: 99 };
const subject = { kind: 'tool', code: 'refund', ref_id: null, version_id: V, input_json: input, input_hash: approvalHash(V, input) };
const created = {
  type: 'HumanTaskCreated',
  data: { task_id: TASK, task_type: 'approval', title: 'Approve refund', description: null, run_id: 'run-id', node_run_id: 'node-run-id', assigned_to: 'ops-1', request_payload_json: { amount: 99 }, due_at: DUE, subject },
  metadata: workspace,
};
const claimed = { type: 'HumanTaskClaimed', data: { task_id: TASK, claimed_by: 'ops-1' }, metadata: workspace, at: T1 };
const answer = { response_payload_json: { approved: true }, comment: 'fine' };
const tasks = 'rm_human_tasks';
const history = { table: 'rm_human_task_history', orderBy: ['position'] };
const line = (position: number, action: string, status: string, actor: string | null, comment: string | null = null, at = T2) => ({ position, action, status, actor, comment, recorded_time: new Date(at) });
const created1 = line(1, 'created', 'pending', 'user-9', null, SPEC_TIME);
const claimed2 = line(2, 'claimed', 'claimed', 'ops-1', null, T1);

describeProjection('human tasks projection', humanTasksProjection, (spec) => {
  it('lists a created task, pending, with its fields and subject, and the creator as its first line', () =>
    spec({
      when: [created],
      then: [
        {
          table: tasks,
          rows: [
            {
              id: TASK,
              workspace_id: 'ws-1',
              task_type: 'approval',
              title: 'Approve refund',
              run_id: 'run-id',
              node_run_id: 'node-run-id',
              assigned_to: 'ops-1',
              status: 'pending',
              claimed_by: null,
              request_payload_json: { amount: 99 },
              response_payload_json: null,
              due_at: new Date(DUE),
              subject,
              approved_input: null,
              created_time: new Date(SPEC_TIME),
              updated_time: new Date(SPEC_TIME),
            },
          ],
        },
        { ...history, rows: [created1] },
      ],
    }));

  it('records who claimed it and when, and clears both when it is released', () =>
    spec({
      given: [created],
      when: [claimed, { type: 'HumanTaskReleased', data: { task_id: TASK, released_by: 'ops-1' }, metadata: workspace, at: T2 }],
      then: [
        { table: tasks, rows: [{ id: TASK, status: 'pending', claimed_by: null, claimed_time: null, updated_time: new Date(T2) }] },
        { ...history, rows: [created1, claimed2, line(3, 'released', 'pending', 'ops-1')] },
      ],
    }));

  it('keeps the claim while claimed', () =>
    spec({ given: [created], when: [claimed], then: { table: tasks, rows: [{ id: TASK, status: 'claimed', claimed_by: 'ops-1', claimed_time: new Date(T1) }] } }));

  it('records an approval: the answer, its comment, the approver, and the input approved with its hash', () => {
    const approved_input = { input_json: { amount: 50 }, input_hash: approvalHash(V, { amount: 50 }), edited: true };
    return spec({
      given: [created, claimed],
      when: [{ type: 'HumanTaskApproved', data: { task_id: TASK, approved_by: 'ops-1', ...answer, approved_input }, metadata: workspace, at: T2 }],
      then: [
        { table: tasks, rows: [{ id: TASK, status: 'approved', claimed_by: 'ops-1', response_payload_json: { approved: true }, comment: 'fine', resolved_by: 'ops-1', resolved_time: new Date(T2), approved_input }] },
        { ...history, rows: [created1, claimed2, line(3, 'approved', 'approved', 'ops-1', 'fine')] },
      ],
    });
  });

  it('records a rejection with who rejected it', () =>
    spec({
      given: [created, claimed],
      when: [{ type: 'HumanTaskRejected', data: { task_id: TASK, rejected_by: 'ops-1', ...answer }, metadata: workspace, at: T2 }],
      then: [
        { table: tasks, rows: [{ id: TASK, status: 'rejected', resolved_by: 'ops-1', comment: 'fine', approved_input: null }] },
        { ...history, rows: [created1, claimed2, line(3, 'rejected', 'rejected', 'ops-1', 'fine')] },
      ],
    }));

  it('records an input given', () =>
    spec({
      given: [created, claimed],
      when: [{ type: 'HumanTaskCompleted', data: { task_id: TASK, completed_by: 'ops-1', response_payload_json: { answer: 'A-17' }, comment: null }, metadata: workspace, at: T2 }],
      then: [
        { table: tasks, rows: [{ id: TASK, status: 'completed', resolved_by: 'ops-1', response_payload_json: { answer: 'A-17' }, resolved_time: new Date(T2) }] },
        { ...history, rows: [created1, claimed2, line(3, 'completed', 'completed', 'ops-1')] },
      ],
    }));

  it('records a cancellation with its reason as the comment', () =>
    spec({
      given: [created],
      when: [{ type: 'HumanTaskCancelled', data: { task_id: TASK, reason: 'withdrawn', cancelled_by: 'lead' }, metadata: workspace, at: T2 }],
      then: [
        { table: tasks, rows: [{ id: TASK, status: 'cancelled', comment: 'withdrawn', resolved_by: 'lead', resolved_time: new Date(T2), response_payload_json: null }] },
        { ...history, rows: [created1, line(2, 'cancelled', 'cancelled', 'lead', 'withdrawn')] },
      ],
    }));

  it('records an expiry, by no one, keeping the claim it had', () =>
    spec({
      given: [created, claimed],
      when: [{ type: 'HumanTaskExpired', data: { task_id: TASK, due_at: DUE }, metadata: { workspace_id: 'ws-1' }, at: T2 }],
      then: [
        { table: tasks, rows: [{ id: TASK, status: 'expired', claimed_by: 'ops-1', resolved_by: null, resolved_time: new Date(T2) }] },
        { ...history, rows: [created1, claimed2, line(3, 'expired', 'expired', null)] },
      ],
    }));
});
