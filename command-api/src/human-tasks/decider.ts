import {
  approvalHash,
  ConflictError,
  NotFoundError,
  ValidationError,
  type ApprovalSubject,
  type HumanTaskCommand,
  type HumanTaskEvent,
  type HumanTaskStatus,
  type HumanTaskType,
} from '@agent-platform/contracts';
import type { Decider } from '../decider.js';

export type HumanTaskState =
  | { status: 'none' }
  | {
      status: HumanTaskStatus;
      workspaceId: string;
      taskType: HumanTaskType;
      claimedBy: string | null;
      dueAt: string | null;
      subject: ApprovalSubject | null;
    };
type Existing = Exclude<HumanTaskState, { status: 'none' }>;

const notFound = (id: string) => new NotFoundError('HUMAN_TASK_NOT_FOUND', `human task ${id} does not exist in this workspace`);
/** Every refused transition names the status the task is in. */
const refused = (id: string, status: HumanTaskStatus, wanted: string) =>
  new ConflictError(`HUMAN_TASK_${status.toUpperCase()}`, `human task ${id} is ${status}: it cannot be ${wanted}`);

const existing = (state: HumanTaskState, id: string, workspaceId: string): Existing => {
  if (state.status === 'none' || state.workspaceId !== workspaceId) throw notFound(id);
  return state;
};
const inStatus = (state: Existing, id: string, allowed: readonly HumanTaskStatus[], wanted: string) => {
  if (!allowed.includes(state.status)) throw refused(id, state.status, wanted);
  return state;
};

/** A claimed task is completed by its claimer only; the acting user is the claimer unless another is named (and refused). */
const actingClaimer = (state: Existing, id: string, actedBy: string | null): string => {
  const claimer = inStatus(state, id, ['claimed'], 'completed before it is claimed').claimedBy!;
  if (actedBy !== null && actedBy !== claimer) throw new ConflictError('HUMAN_TASK_CLAIMED_BY_OTHER', `human task ${id} is claimed by ${claimer}: only they may complete it`);
  return claimer;
};

/** An approval or a review is approved or rejected; the other types are completed. */
const answerable = (state: Existing, status: 'approved' | 'rejected' | 'completed') => {
  const decides = state.taskType === 'approval' || state.taskType === 'review';
  if (decides === (status === 'completed')) {
    const allowed = decides ? 'approved or rejected' : 'completed';
    throw new ValidationError([{ field: 'body.status', message: `must be ${allowed} for a task of type ${state.taskType}` }], 'HUMAN_TASK_STATUS_INVALID');
  }
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const humanTaskDecider: Decider<HumanTaskState, HumanTaskCommand, HumanTaskEvent> = {
  initialState: () => ({ status: 'none' }),

  evolve: (state, event) => {
    if (event.type === 'HumanTaskCreated') {
      const { task_type, due_at, subject } = event.data;
      return { status: 'pending', workspaceId: event.metadata.workspace_id, taskType: task_type, claimedBy: null, dueAt: due_at, subject };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'HumanTaskClaimed':
        return { ...state, status: 'claimed', claimedBy: event.data.claimed_by };
      case 'HumanTaskReleased':
        return { ...state, status: 'pending', claimedBy: null };
      case 'HumanTaskApproved':
        return { ...state, status: 'approved' };
      case 'HumanTaskRejected':
        return { ...state, status: 'rejected' };
      case 'HumanTaskCompleted':
        return { ...state, status: 'completed' };
      case 'HumanTaskCancelled':
        return { ...state, status: 'cancelled' };
      case 'HumanTaskExpired':
        return { ...state, status: 'expired' };
    }
  },

  decide: (command, state) => {
    const id = command.data.task_id;
    switch (command.type) {
      case 'CreateHumanTask': {
        if (state.status !== 'none') throw new ConflictError('HUMAN_TASK_EXISTS', `human task ${id} already exists`);
        const { workspace_id: _workspace, ...data } = command.data;
        return [
          {
            type: 'HumanTaskCreated',
            data: {
              task_id: id,
              task_type: data.task_type,
              title: data.title,
              description: data.description ?? null,
              run_id: data.run_id ?? null,
              node_run_id: data.node_run_id ?? null,
              assigned_to: data.assigned_to ?? null,
              request_payload_json: data.request_payload_json,
              due_at: data.due_at ?? null,
              subject: data.subject,
            },
          },
        ];
      }
      case 'ClaimHumanTask': {
        const task = existing(state, id, command.data.workspace_id);
        // Claiming again what one holds changes nothing.
        if (task.status === 'claimed' && task.claimedBy === command.data.claimed_by) return [];
        inStatus(task, id, ['pending'], 'claimed');
        return [{ type: 'HumanTaskClaimed', data: { task_id: id, claimed_by: command.data.claimed_by } }];
      }
      case 'ReleaseHumanTask': {
        const task = inStatus(existing(state, id, command.data.workspace_id), id, ['claimed'], 'released');
        const by = command.data.released_by;
        if (by !== null && by !== task.claimedBy) throw new ConflictError('HUMAN_TASK_CLAIMED_BY_OTHER', `human task ${id} is claimed by ${task.claimedBy}: only they may release it`);
        return [{ type: 'HumanTaskReleased', data: { task_id: id, released_by: by } }];
      }
      case 'ApproveHumanTask': {
        const task = existing(state, id, command.data.workspace_id);
        const by = actingClaimer(task, id, command.data.acted_by);
        answerable(task, 'approved');
        const { response_payload_json, comment } = command.data;
        let approved_input = null;
        if (task.subject) {
          // The approver may edit the proposed input: the edit is what is approved, with its own hash.
          const edit = response_payload_json.input_json;
          if (edit !== undefined && !isObject(edit)) throw new ValidationError([{ field: 'body.response_payload_json.input_json', message: 'must be a JSON object: the edited input' }]);
          approved_input = edit === undefined
            ? { input_json: task.subject.input_json, input_hash: task.subject.input_hash, edited: false }
            : { input_json: edit, input_hash: approvalHash(task.subject.version_id, edit), edited: approvalHash(task.subject.version_id, edit) !== task.subject.input_hash };
        }
        return [{ type: 'HumanTaskApproved', data: { task_id: id, approved_by: by, response_payload_json, comment, approved_input } }];
      }
      case 'RejectHumanTask': {
        const task = existing(state, id, command.data.workspace_id);
        const by = actingClaimer(task, id, command.data.acted_by);
        answerable(task, 'rejected');
        const { response_payload_json, comment } = command.data;
        return [{ type: 'HumanTaskRejected', data: { task_id: id, rejected_by: by, response_payload_json, comment } }];
      }
      case 'ProvideHumanInput': {
        const task = existing(state, id, command.data.workspace_id);
        const by = actingClaimer(task, id, command.data.acted_by);
        answerable(task, 'completed');
        const { response_payload_json, comment } = command.data;
        return [{ type: 'HumanTaskCompleted', data: { task_id: id, completed_by: by, response_payload_json, comment } }];
      }
      case 'CancelHumanTask': {
        inStatus(existing(state, id, command.data.workspace_id), id, ['pending', 'claimed'], 'cancelled');
        return [{ type: 'HumanTaskCancelled', data: { task_id: id, reason: command.data.reason, cancelled_by: command.data.cancelled_by } }];
      }
      case 'ExpireHumanTask': {
        const task = inStatus(existing(state, id, command.data.workspace_id), id, ['pending', 'claimed'], 'expired');
        // The sweeper's read model may lag behind: only a task due by its own stream expires.
        if (task.dueAt === null) throw new ConflictError('HUMAN_TASK_NOT_EXPIRING', `human task ${id} has no due_at`);
        if (Date.parse(command.data.now) < Date.parse(task.dueAt)) throw new ConflictError('HUMAN_TASK_NOT_DUE', `human task ${id} is due at ${task.dueAt}`);
        return [{ type: 'HumanTaskExpired', data: { task_id: id, due_at: task.dueAt } }];
      }
    }
  },
};
