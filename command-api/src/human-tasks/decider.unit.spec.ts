import { expect } from 'chai';
import { approvalHash, ConflictError, NotFoundError, ValidationError, type HumanTaskCommand, type HumanTaskEvent, type HumanTaskType } from '@agent-platform/contracts';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { humanTaskDecider } from './decider.js';

const T = '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d';
const V = '0f1e2d3c-4b5a-4968-8776-655443322110';
const DUE = '2026-12-08T12:00:00.000Z';
const spec = deciderSpecification(humanTaskDecider);
const ref = (workspace_id = 'public') => ({ task_id: T, workspace_id });
const proposed = { amount: 99, currency: 'EUR' };
const subject = { kind: 'tool' as const, code: 'refund', ref_id: null, version_id: V, input_json: proposed, input_hash: approvalHash(V, proposed) };

const createdAs = (task_type: HumanTaskType, extra: Partial<Extract<HumanTaskEvent, { type: 'HumanTaskCreated' }>['data']> = {}): HumanTaskEvent => ({
  type: 'HumanTaskCreated',
  data: { task_id: T, task_type, title: 'Approve refund', description: null, run_id: 'run-id', node_run_id: null, assigned_to: 'ops-1', request_payload_json: { amount: 99 }, due_at: null, subject: null, ...extra },
});
const created = createdAs('approval');
const claimed = (by = 'ops-1'): HumanTaskEvent => ({ type: 'HumanTaskClaimed', data: { task_id: T, claimed_by: by } });
const released: HumanTaskEvent = { type: 'HumanTaskReleased', data: { task_id: T, released_by: 'ops-1' } };
const cancelled: HumanTaskEvent = { type: 'HumanTaskCancelled', data: { task_id: T, reason: null, cancelled_by: null } };
const expired: HumanTaskEvent = { type: 'HumanTaskExpired', data: { task_id: T, due_at: DUE } };
const answered: { response_payload_json: Record<string, unknown>; comment: string } = { response_payload_json: { approved: true }, comment: 'ok' };
const approvedBy = (by = 'ops-1', approved_input: Extract<HumanTaskEvent, { type: 'HumanTaskApproved' }>['data']['approved_input'] = null): HumanTaskEvent => ({
  type: 'HumanTaskApproved',
  data: { task_id: T, approved_by: by, ...answered, approved_input },
});
const rejected: HumanTaskEvent = { type: 'HumanTaskRejected', data: { task_id: T, rejected_by: 'ops-1', ...answered } };
const completed: HumanTaskEvent = { type: 'HumanTaskCompleted', data: { task_id: T, completed_by: 'ops-1', ...answered } };

const create = (extra: Partial<Extract<HumanTaskCommand, { type: 'CreateHumanTask' }>['data']> = {}): HumanTaskCommand => ({
  type: 'CreateHumanTask',
  data: { ...ref(), task_type: 'approval', title: 'Approve refund', run_id: 'run-id', assigned_to: 'ops-1', request_payload_json: { amount: 99 }, subject: null, ...extra },
});
const claim = (by = 'ops-1', workspace?: string): HumanTaskCommand => ({ type: 'ClaimHumanTask', data: { ...ref(workspace), claimed_by: by } });
const release = (by: string | null = 'ops-1', workspace?: string): HumanTaskCommand => ({ type: 'ReleaseHumanTask', data: { ...ref(workspace), released_by: by } });
const resolve = (type: 'ApproveHumanTask' | 'RejectHumanTask' | 'ProvideHumanInput', acted_by: string | null = null, extra: Partial<typeof answered> = {}, workspace?: string): HumanTaskCommand => ({
  type,
  data: { ...ref(workspace), ...answered, ...extra, acted_by },
});
const cancel = (workspace?: string): HumanTaskCommand => ({ type: 'CancelHumanTask', data: { ...ref(workspace), reason: null, cancelled_by: null } });
const expire = (now: string, workspace?: string): HumanTaskCommand => ({ type: 'ExpireHumanTask', data: { ...ref(workspace), now } });
const ENDINGS = { approved: approvedBy(), rejected, completed, cancelled, expired };

describe('human task decider', () => {
  it('creates a pending task once, with its fields, defaults as null, and the subject the platform gave', () => {
    spec.given([]).when(create()).then([created]);
    spec.given([]).when(create({ subject, due_at: DUE, description: 'd' })).then([createdAs('approval', { subject, due_at: DUE, description: 'd' })]);
    spec.given([created]).when(create()).thenThrows(ConflictError, 'HUMAN_TASK_EXISTS');
  });

  it('is claimed when pending (again after a release); claiming again what one holds records nothing; another claimer is refused naming the status', () => {
    spec.given([created]).when(claim()).then([claimed()]);
    spec.given([created, claimed(), released]).when(claim('ops-2')).then([claimed('ops-2')]);
    spec.given([created, claimed()]).when(claim()).then([]);
    spec.given([created, claimed()]).when(claim('ops-2')).thenThrows(ConflictError, 'HUMAN_TASK_CLAIMED');
  });

  it('is released by its claimer only, or by someone unnamed, to pending; a pending task is not released', () => {
    spec.given([created, claimed()]).when(release()).then([released]);
    spec.given([created, claimed()]).when(release(null)).then([{ type: 'HumanTaskReleased', data: { task_id: T, released_by: null } }]);
    spec.given([created, claimed()]).when(release('ops-2')).thenThrows(ConflictError, 'HUMAN_TASK_CLAIMED_BY_OTHER');
    spec.given([created]).when(release()).thenThrows(ConflictError, 'HUMAN_TASK_PENDING');
    spec.given([created, claimed(), released]).when(release()).thenThrows(ConflictError, 'HUMAN_TASK_PENDING');
  });

  it('is answered by its claimer: the acting user is the claimer unless another is named, who is refused', () => {
    spec.given([created, claimed()]).when(resolve('ApproveHumanTask')).then([approvedBy()]);
    spec.given([created, claimed()]).when(resolve('ApproveHumanTask', 'ops-1')).then([approvedBy()]);
    spec.given([created, claimed()]).when(resolve('RejectHumanTask')).then([rejected]);
    spec.given([createdAs('input'), claimed()]).when(resolve('ProvideHumanInput')).then([completed]);
    for (const type of ['ApproveHumanTask', 'RejectHumanTask'] as const) spec.given([created, claimed()]).when(resolve(type, 'ops-2')).thenThrows(ConflictError, 'HUMAN_TASK_CLAIMED_BY_OTHER');
    spec.given([createdAs('input'), claimed()]).when(resolve('ProvideHumanInput', 'ops-2')).thenThrows(ConflictError, 'HUMAN_TASK_CLAIMED_BY_OTHER');
  });

  it('is not answered before it is claimed: a 409 naming pending', () => {
    spec.given([created]).when(resolve('ApproveHumanTask')).thenThrows(ConflictError, 'HUMAN_TASK_PENDING');
    spec.given([created]).when(resolve('RejectHumanTask')).thenThrows(ConflictError, 'HUMAN_TASK_PENDING');
    spec.given([createdAs('input')]).when(resolve('ProvideHumanInput')).thenThrows(ConflictError, 'HUMAN_TASK_PENDING');
  });

  it('takes approved or rejected for an approval or a review, completed for the other types, else a 400 naming body.status', () => {
    for (const type of ['approval', 'review'] as const) {
      spec.given([createdAs(type), claimed()]).when(resolve('ProvideHumanInput')).thenThrows(ValidationError, 'HUMAN_TASK_STATUS_INVALID');
      spec.given([createdAs(type), claimed()]).when(resolve('RejectHumanTask')).then([rejected]);
    }
    for (const type of ['input', 'takeover', 'pause', 'resume'] as const) {
      spec.given([createdAs(type), claimed()]).when(resolve('ApproveHumanTask')).thenThrows(ValidationError, 'HUMAN_TASK_STATUS_INVALID');
      spec.given([createdAs(type), claimed()]).when(resolve('RejectHumanTask')).thenThrows(ValidationError, 'HUMAN_TASK_STATUS_INVALID');
      spec.given([createdAs(type), claimed()]).when(resolve('ProvideHumanInput')).then([completed]);
    }
    const state = [created, claimed()].reduce((s, e) => humanTaskDecider.evolve(s, { ...e, metadata: { workspace_id: 'public' } }), humanTaskDecider.initialState());
    expect(() => humanTaskDecider.decide(resolve('ProvideHumanInput'), state)).to.throw(ValidationError).with.property('issues').that.deep.equals([{ field: 'body.status', message: 'must be approved or rejected for a task of type approval' }]);
  });

  it('approves the proposed input of a subject with its hash, or the edit with its own hash', () => {
    const withSubject = [createdAs('approval', { subject }), claimed()];
    spec.given(withSubject).when(resolve('ApproveHumanTask')).then([approvedBy('ops-1', { input_json: proposed, input_hash: subject.input_hash, edited: false })]);
    const edit = { amount: 50, currency: 'EUR' };
    const editing = { response_payload_json: { input_json: edit } };
    spec.given(withSubject).when(resolve('ApproveHumanTask', null, editing)).then([
      { type: 'HumanTaskApproved', data: { task_id: T, approved_by: 'ops-1', ...editing, comment: 'ok', approved_input: { input_json: edit, input_hash: approvalHash(V, edit), edited: true } } },
    ]);
    expect(approvalHash(V, edit)).to.not.equal(subject.input_hash);
    // The same input in another key order is the same input: not an edit, the same hash.
    const reordered = { response_payload_json: { input_json: { currency: 'EUR', amount: 99 } } };
    spec.given(withSubject).when(resolve('ApproveHumanTask', null, reordered)).then([
      { type: 'HumanTaskApproved', data: { task_id: T, approved_by: 'ops-1', ...reordered, comment: 'ok', approved_input: { input_json: { currency: 'EUR', amount: 99 }, input_hash: subject.input_hash, edited: false } } },
    ]);
    spec.given(withSubject).when(resolve('ApproveHumanTask', null, { response_payload_json: { input_json: [1] } })).thenThrows(ValidationError);
    // Without a subject, an input_json in the answer is only an answer.
    spec.given([created, claimed()]).when(resolve('ApproveHumanTask', null, editing)).then([{ type: 'HumanTaskApproved', data: { task_id: T, approved_by: 'ops-1', ...editing, comment: 'ok', approved_input: null } }]);
  });

  it('binds the hash to the version called: the same input for another version hashes otherwise', () => {
    expect(approvalHash(V, proposed)).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(approvalHash(null, proposed)).to.not.equal(approvalHash(V, proposed));
    expect(approvalHash(V, { currency: 'EUR', amount: 99 })).to.equal(approvalHash(V, proposed));
  });

  it('is cancelled when pending or claimed, once', () => {
    spec.given([created]).when(cancel()).then([cancelled]);
    spec.given([created, claimed()]).when(cancel()).then([cancelled]);
    const withReason: HumanTaskCommand = { type: 'CancelHumanTask', data: { ...ref(), reason: 'withdrawn', cancelled_by: 'lead' } };
    spec.given([created]).when(withReason).then([{ type: 'HumanTaskCancelled', data: { task_id: T, reason: 'withdrawn', cancelled_by: 'lead' } }]);
  });

  it('expires once its due_at passed, pending or claimed; not before, nor without a due_at', () => {
    const due = createdAs('approval', { due_at: DUE });
    spec.given([due]).when(expire(DUE)).then([expired]);
    spec.given([due, claimed()]).when(expire('2026-12-08T13:00:00.000Z')).then([expired]);
    spec.given([due]).when(expire('2026-12-08T11:59:59.999Z')).thenThrows(ConflictError, 'HUMAN_TASK_NOT_DUE');
    spec.given([created]).when(expire(DUE)).thenThrows(ConflictError, 'HUMAN_TASK_NOT_EXPIRING');
  });

  it('takes no action once ended: every command is a 409 naming the status it ended in', () => {
    const due = createdAs('approval', { due_at: DUE });
    for (const [status, ending] of Object.entries(ENDINGS)) {
      const history = [due, claimed(), ending];
      const code = `HUMAN_TASK_${status.toUpperCase()}`;
      for (const command of [claim(), claim('ops-2'), release(), resolve('ApproveHumanTask'), resolve('RejectHumanTask'), cancel(), expire('2027-01-01T00:00:00.000Z')]) {
        spec.given(history).when(command).thenThrows(ConflictError, code);
      }
    }
    spec.given([createdAs('input'), claimed(), completed]).when(resolve('ProvideHumanInput')).thenThrows(ConflictError, 'HUMAN_TASK_COMPLETED');
  });

  it("knows no task of another workspace, nor one never created", () => {
    const all = [claim(), release(), resolve('ApproveHumanTask'), resolve('RejectHumanTask'), resolve('ProvideHumanInput'), cancel(), expire(DUE)];
    for (const command of all) spec.given([]).when(command).thenThrows(NotFoundError, 'HUMAN_TASK_NOT_FOUND');
    for (const command of [claim('ops-1', 'other'), release('ops-1', 'other'), resolve('ApproveHumanTask', null, {}, 'other'), cancel('other'), expire(DUE, 'other')]) {
      spec.given([created, claimed()]).when(command).thenThrows(NotFoundError, 'HUMAN_TASK_NOT_FOUND');
    }
  });
});
