import { approvalHash, ConflictError, NotFoundError, type AgentRunCommand, type AgentRunEvent, type HumanDecision, type PreparedRun, type RunWait } from '@agent-platform/contracts';
import { expect } from 'chai';
import { evolveAll } from '../decider.js';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { agentRunDecider } from './decider.js';

const R = '71829304-b5c6-4d7e-9a8b-9cadbecfd0e1';
const A = '8293a4b5-c6d7-4e8f-8b9c-adbecfd0e1f2';
const V = '93a4b5c6-d7e8-4f90-9cad-becfd0e1f203';
const S = 'a4b5c6d7-e8f9-4a01-8dbe-cfd0e1f20314';
const TOOL = 'e8f90a1b-2c3d-4e45-8f12-031425364758';
const TOOL_V = 'f90a1b2c-3d4e-4f56-9a23-142536475869';
const I = 'd7e8f90a-1b2c-4d34-9e01-f20314253647';
const TASK = '0a1b2c3d-4e5f-4a67-8b34-25364758697a';
const L1 = 'b5c6d7e8-f90a-4b12-9ecf-d0e1f2031425';
const L2 = 'c6d7e8f9-0a1b-4c23-8fd0-e1f203142536';
const spec = deciderSpecification(agentRunDecider);

const proposed = { order_id: '123' };
const plan: PreparedRun = {
  run_id: R,
  dry_run: false,
  model: 'local-react',
  temperature: null,
  max_tokens: null,
  react_enabled: true,
  react_max_steps: 3,
  ask_human_enabled: false,
  messages: [{ role: 'user', content: 'Refund order 123.' }],
  selected_tool_refs: [
    { tool_id: TOOL, tool_version_id: TOOL_V, tool_code: 'refund', tool_type: 'http', description: null, input_schema_json: {}, selected_by: 'react', requires_approval: true },
  ],
  selected_skill_refs: [{ skill_id: null, skill_code: 'summarize', skill_version_id: null, selected_by: 'default', requires_approval: true }],
  memory: { read: 'disabled', write: 'disabled', memory_scope: 'session', scope_id: null, read_top_k: 5, read_count: 0, read_memories: [], note: null },
  citations: [],
};
const given: AgentRunEvent[] = [
  { type: 'AgentRunQueued', data: { run_id: R, agent_id: A, agent_version_id: V, session_id: S, input_text: 'Refund order 123.', auto_execute: true, dry_run: false, team_run_id: null, member_key: null } },
  { type: 'AgentRunLeased', data: { run_id: R, worker_key: 'w1', lease_id: L1, lease_expires_at: '2026-11-25T00:01:00.000Z', attempt: 1 } },
  { type: 'AgentRunPrepared', data: plan },
];
const wait: RunWait = {
  run_id: R,
  reason: 'approval',
  task_id: TASK,
  invocation_id: I,
  step: 1,
  task: {
    task_type: 'approval',
    title: 'Approve refund',
    description: null,
    request_payload_json: { tool_code: 'refund', input_json: proposed },
    subject: { kind: 'tool', code: 'refund', ref_id: TOOL, version_id: TOOL_V, input_json: proposed, input_hash: approvalHash(TOOL_V, proposed) },
  },
};
const awaiting: AgentRunEvent = { type: 'AgentRunAwaitingHuman', data: wait };
const approvedWith = (input: Record<string, unknown>): HumanDecision => ({
  run_id: R,
  task_id: TASK,
  outcome: 'approved',
  acted_by: 'alice',
  comment: null,
  response_payload_json: {},
  approved_input: { input_json: input, input_hash: approvalHash(TOOL_V, input), edited: input !== proposed },
});
const rejected: HumanDecision = { run_id: R, task_id: TASK, outcome: 'rejected', acted_by: 'bob', comment: 'not this one', response_payload_json: {}, approved_input: null };
const decide = (decision: HumanDecision, workspace_id = 'public') => ({ type: 'RecordHumanDecision', data: { ...decision, workspace_id } }) as const;
const startWith = (input: Record<string, unknown>, lease_id = L2, tool_version_id = TOOL_V) =>
  ({
    type: 'StartToolInvocation',
    data: { run_id: R, lease_id, invocation_id: I, step: 1, tool_id: TOOL, tool_version_id, tool_code: 'refund', input_json: input, idempotency_key: `${R}:1:0`, tool_call_id: null },
  }) as const;
const leasedAgain: AgentRunEvent = { type: 'AgentRunLeased', data: { run_id: R, worker_key: 'w2', lease_id: L2, lease_expires_at: '2026-11-25T00:02:00.000Z', attempt: 2 } };
const started = (input: Record<string, unknown>): AgentRunEvent => {
  const { lease_id: _lease, ...data } = startWith(input).data;
  return { type: 'ToolInvocationStarted', data };
};

describe('agent run decider: runs that wait for people', () => {
  it('waits by its lease holder; the wait ends the lease and refuses every other lease', () => {
    spec.given(given).when({ type: 'AwaitHuman', data: { ...wait, lease_id: L1 } }).then([awaiting]);
    spec.given(given).when({ type: 'AwaitHuman', data: { ...wait, lease_id: L2 } }).thenThrows(ConflictError, 'AGENT_RUN_LEASE_LOST');
    const state = evolveAll(agentRunDecider, agentRunDecider.initialState(), [...given, awaiting].map((e) => ({ ...e, metadata: { workspace_id: 'public' } })));
    expect(state).to.include({ status: 'awaiting_human' });
    expect(state).to.not.have.property('lease');
    spec.given([...given, awaiting]).when({ type: 'LeaseAgentRun', data: { run_id: R, worker_key: 'w2', lease_id: L2, now: '2026-11-25T00:00:30.000Z', lease_ms: 60_000 } }).thenThrows(ConflictError, 'AGENT_RUN_WAITING');
  });

  it('is moved on only by the task it waits on, in its own workspace, once', () => {
    spec.given([...given, awaiting]).when(decide(approvedWith(proposed))).then([{ type: 'AgentRunResumed', data: approvedWith(proposed) }]);
    spec.given([...given, awaiting]).when(decide({ ...rejected, task_id: 'a1b2c3d4-0000-4000-8000-000000000000' })).thenThrows(ConflictError, 'AGENT_RUN_NOT_WAITING');
    spec.given([...given, awaiting]).when(decide(rejected, 'other')).thenThrows(NotFoundError, 'AGENT_RUN_NOT_FOUND');
    spec.given(given).when(decide(rejected)).thenThrows(ConflictError, 'AGENT_RUN_NOT_WAITING');
    spec.given([...given, awaiting, { type: 'AgentRunResumed', data: rejected }]).when(decide(rejected)).thenThrows(ConflictError, 'AGENT_RUN_DECISION_RECORDED');
  });

  it('refuses an approval whose hash is not that of the input it says it approves', () => {
    const forged = { ...approvedWith(proposed), approved_input: { input_json: { order_id: '999' }, input_hash: approvalHash(TOOL_V, proposed), edited: false } };
    spec.given([...given, awaiting]).when(decide(forged)).thenThrows(ConflictError, 'APPROVAL_HASH_MISMATCH');
  });

  it('starts a call that needs an approval only with the approved input and version', () => {
    const edit = { order_id: '123', amount: 5 };
    const resumed = [...given, awaiting, { type: 'AgentRunResumed', data: approvedWith(edit) } as AgentRunEvent, leasedAgain];
    spec.given(resumed).when(startWith(edit)).then([started(edit)]);
    // Key order does not matter: the hash is of the canonical JSON.
    spec.given(resumed).when(startWith({ amount: 5, order_id: '123' })).then([started({ amount: 5, order_id: '123' })]);
    spec.given(resumed).when(startWith(proposed)).thenThrows(ConflictError, 'TOOL_INPUT_NOT_APPROVED');
    spec.given(resumed).when(startWith(edit, L2, 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee')).thenThrows(ConflictError, 'TOOL_INPUT_NOT_APPROVED');
  });

  it('never starts a call that needs an approval without one, or after a rejection', () => {
    spec.given(given).when(startWith(proposed, L1)).thenThrows(ConflictError, 'TOOL_INPUT_NOT_APPROVED');
    spec.given([...given, awaiting, { type: 'AgentRunResumed', data: rejected }, leasedAgain]).when(startWith(proposed)).thenThrows(ConflictError, 'TOOL_INPUT_NOT_APPROVED');
    const skill = { ...startWith({ input_text: 'x' }, L1).data, tool_id: null, tool_version_id: null, tool_code: 'skill:summarize' };
    spec.given(given).when({ type: 'StartToolInvocation', data: skill }).thenThrows(ConflictError, 'TOOL_INPUT_NOT_APPROVED');
  });

  it('asks once per call: a decided wait is not waited again', () =>
    spec
      .given([...given, awaiting, { type: 'AgentRunResumed', data: rejected }, leasedAgain])
      .when({ type: 'AwaitHuman', data: { ...wait, lease_id: L2 } })
      .thenThrows(ConflictError, 'AGENT_RUN_WAIT_DECIDED'));

  it('keeps the wait it was in when it is cancelled, so its open task can be cancelled too', () => {
    const events = [...given, awaiting, { type: 'AgentRunCancelled', data: { run_id: R, reason: null } } as AgentRunEvent];
    const state = evolveAll(agentRunDecider, agentRunDecider.initialState(), events.map((e) => ({ ...e, metadata: { workspace_id: 'public' } })));
    expect(state).to.deep.include({ status: 'cancelled', waiting: wait });
    spec.given(events).when(decide(rejected)).thenThrows(ConflictError, 'AGENT_RUN_ENDED');
  });
});

describe('agent run decider: runs a person pauses, takes over and resumes', () => {
  const pause = (mode: 'pause' | 'takeover', workspace_id = 'public') =>
    ({ type: 'PauseAgentRun', data: { run_id: R, workspace_id, mode, by: 'ops-1', reason: null, task_id: mode === 'takeover' ? TASK : null } }) as const;
  const paused = (mode: 'pause' | 'takeover'): AgentRunEvent => ({
    type: 'AgentRunPaused',
    data: { run_id: R, mode, by: 'ops-1', reason: null, task_id: mode === 'takeover' ? TASK : null, after_step: 0 },
  });
  const resume: AgentRunCommand = { type: 'ResumeAgentRun', data: { run_id: R, workspace_id: 'public', by: 'ops-1', messages: [{ role: 'user', content: 'Go on.' }] } };
  const renewal = { type: 'LeaseAgentRun', data: { run_id: R, worker_key: 'w1', lease_id: L1, now: '2026-11-25T00:00:30.000Z', lease_ms: 60_000 } } as const;

  it('pauses a running run, whose lease ends and is never renewed, even once it is resumed', () => {
    spec.given(given).when(pause('pause')).then([paused('pause')]);
    spec.given([...given, paused('pause')]).when(renewal).thenThrows(ConflictError, 'AGENT_RUN_WAITING');
    const unpaused: AgentRunEvent = { type: 'AgentRunUnpaused', data: { run_id: R, mode: 'pause', by: 'ops-1', task_id: null, after_step: 0, messages: [{ role: 'user', content: 'Go on.' }] } };
    spec.given([...given, paused('pause')]).when(resume).then([unpaused]);
    spec.given([...given, paused('pause'), unpaused]).when(renewal).thenThrows(ConflictError, 'AGENT_RUN_LEASE_LOST');
    spec.given([...given, paused('pause'), unpaused]).when({ ...renewal, data: { ...renewal.data, lease_id: L2 } }).then([leasedAgain].map((e) => ({ ...e, data: { ...e.data, worker_key: 'w1', lease_expires_at: '2026-11-25T00:01:30.000Z' } })) as AgentRunEvent[]);
  });

  it('refuses to pause a run that waits, or that ended, and to resume one that is not paused', () => {
    spec.given([...given, awaiting]).when(pause('pause')).thenThrows(ConflictError, 'AGENT_RUN_WAITING');
    spec.given([...given, { type: 'AgentRunCancelled', data: { run_id: R, reason: null } }]).when(pause('pause')).thenThrows(ConflictError, 'AGENT_RUN_ENDED');
    spec.given(given).when(resume).thenThrows(ConflictError, 'AGENT_RUN_NOT_PAUSED');
    spec.given(given).when(pause('pause', 'other')).thenThrows(NotFoundError, 'AGENT_RUN_NOT_FOUND');
  });

  it('is given back by the end of its takeover task, with the messages the person wrote', () =>
    spec
      .given([...given, paused('takeover')])
      .when(decide({ ...rejected, outcome: 'completed', acted_by: 'ops-2', response_payload_json: { messages: [{ role: 'assistant', content: 'Refunded.' }] } }))
      .then([{ type: 'AgentRunUnpaused', data: { run_id: R, mode: 'takeover', by: 'ops-2', task_id: TASK, after_step: 0, messages: [{ role: 'assistant', content: 'Refunded.' }] } }]));
});
