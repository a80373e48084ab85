import { ConflictError, NotFoundError, type AgentRunEvent, type PreparedRun } from '@agent-platform/contracts';
import { expect } from 'chai';
import { evolveAll } from '../decider.js';
import { deciderSpecification } from '../testing/deciderSpecification.js';
import { agentRunDecider } from './decider.js';

const R = '71829304-b5c6-4d7e-9a8b-9cadbecfd0e1';
const A = '8293a4b5-c6d7-4e8f-8b9c-adbecfd0e1f2';
const V = '93a4b5c6-d7e8-4f90-9cad-becfd0e1f203';
const S = 'a4b5c6d7-e8f9-4a01-8dbe-cfd0e1f20314';
const T = 'd7e8f90a-1b2c-4d34-9e01-f20314253647';
const L1 = 'b5c6d7e8-f90a-4b12-9ecf-d0e1f2031425';
const L2 = 'c6d7e8f9-0a1b-4c23-8fd0-e1f203142536';
const spec = deciderSpecification(agentRunDecider);

const queued: AgentRunEvent = {
  type: 'AgentRunQueued',
  data: { run_id: R, agent_id: A, agent_version_id: V, session_id: S, input_text: 'Summarize this lead.', auto_execute: true, dry_run: false, team_run_id: null, member_key: null },
};
const leased = (lease_id: string, worker_key: string, lease_expires_at: string, attempt: number): AgentRunEvent => ({
  type: 'AgentRunLeased',
  data: { run_id: R, worker_key, lease_id, lease_expires_at, attempt },
});
const lease = (lease_id: string, worker_key: string, now: string) =>
  ({ type: 'LeaseAgentRun', data: { run_id: R, worker_key, lease_id, now, lease_ms: 60_000 } }) as const;
const complete = (lease_id: string) => ({ type: 'CompleteAgentRun', data: { run_id: R, lease_id, answer: 'done' } }) as const;
const plan: PreparedRun = {
  run_id: R,
  dry_run: false,
  model: 'local-react',
  temperature: null,
  max_tokens: null,
  react_enabled: true,
  react_max_steps: 2,
  ask_human_enabled: false,
  messages: [{ role: 'user', content: 'Summarize this lead.' }],
  selected_tool_refs: [],
  selected_skill_refs: [],
  memory: { read: 'disabled', write: 'disabled', memory_scope: 'session', scope_id: null, read_top_k: 5, read_count: 0, read_memories: [], note: null },
  citations: [],
};
const prepared: AgentRunEvent = { type: 'AgentRunPrepared', data: plan };
const modelCall = (step: number, usage = { prompt_tokens: 10, completion_tokens: 5 }) => ({
  run_id: R,
  step,
  model: 'local-react',
  content: null,
  tool_calls: [{ id: 'call_1', name: 'lookup_order', arguments: '{"order_id":"123"}' }],
  finish_reason: 'tool_calls',
  usage,
  duration_ms: 1,
});
const modelCalled = (step: number, usage?: { prompt_tokens: number; completion_tokens: number }): AgentRunEvent => ({
  type: 'ModelCallCompleted',
  data: modelCall(step, usage),
});
const I = 'd7e8f90a-1b2c-4d34-9e01-f20314253647';
const invocation = {
  run_id: R,
  invocation_id: I,
  step: 1,
  tool_id: null,
  tool_version_id: null,
  tool_code: 'lookup_order',
  input_json: { order_id: '123' },
  idempotency_key: `${R}:1:0`,
  tool_call_id: 'call_1',
};
const started: AgentRunEvent = { type: 'ToolInvocationStarted', data: invocation };
const toolCompleted: AgentRunEvent = { type: 'ToolInvocationCompleted', data: { run_id: R, invocation_id: I, step: 1, output_json: { ok: true }, duration_ms: 3 } };
const cancel = (workspace_id = 'public') => ({ type: 'CancelAgentRun', data: { run_id: R, workspace_id } }) as const;
const T0 = '2026-11-25T00:00:00.000Z';
const T0_PLUS_LEASE = '2026-11-25T00:01:00.000Z';
const LATER = '2026-11-25T00:05:00.000Z';

describe('agent run decider', () => {
  describe('a run that does not exist', () => {
    it('is queued', () =>
      spec
        .given([])
        .when({
          type: 'QueueAgentRun',
          data: { run_id: R, agent_id: A, agent_version_id: V, session_id: S, input_text: 'Summarize this lead.', auto_execute: true, dry_run: false, workspace_id: 'public' },
        })
        .then([queued]));
    it('is queued as the member step of a team run, which it names', () =>
      spec
        .given([])
        .when({
          type: 'QueueAgentRun',
          data: { run_id: R, agent_id: A, agent_version_id: V, session_id: S, input_text: 'Summarize this lead.', auto_execute: true, dry_run: false, workspace_id: 'public', team_run_id: T, member_key: 'writer' },
        })
        .then([{ type: 'AgentRunQueued', data: { ...(queued.data as object), team_run_id: T, member_key: 'writer' } } as AgentRunEvent]));
    it('cannot be leased or cancelled', () => {
      spec.given([]).when(lease(L1, 'w1', T0)).thenThrows(NotFoundError, 'AGENT_RUN_NOT_FOUND');
      spec.given([]).when(cancel()).thenThrows(NotFoundError, 'AGENT_RUN_NOT_FOUND');
    });
  });

  describe('a queued run', () => {
    it('is leased to a worker until the lease expires', () => spec.given([queued]).when(lease(L1, 'w1', T0)).then([leased(L1, 'w1', T0_PLUS_LEASE, 1)]));
    it('is cancelled', () => spec.given([queued]).when(cancel()).then([{ type: 'AgentRunCancelled', data: { run_id: R, reason: null } }]));
    it('is not found from another workspace', () => spec.given([queued]).when(cancel('other')).thenThrows(NotFoundError));
  });

  describe('a running run', () => {
    const running = [queued, leased(L1, 'w1', T0_PLUS_LEASE, 1)];
    it('refuses another lease while the lease lives, even to the same worker key', () => {
      spec.given(running).when(lease(L2, 'w2', T0)).thenThrows(ConflictError, 'AGENT_RUN_LEASED');
      spec.given(running).when(lease(L2, 'w1', T0)).thenThrows(ConflictError, 'AGENT_RUN_LEASED');
    });
    it('is resumed by another worker once the lease expired', () =>
      spec.given(running).when(lease(L2, 'w2', LATER)).then([leased(L2, 'w2', '2026-11-25T00:06:00.000Z', 2)]));
    it("completes by its lease holder, with the usage of every model call, naming the run's session, agent and version", () =>
      spec
        .given([...running, prepared, modelCalled(1), modelCalled(2, { prompt_tokens: 7, completion_tokens: 2 })])
        .when(complete(L1))
        .then([
          {
            type: 'AgentRunCompleted',
            data: { run_id: R, answer: 'done', usage: { prompt_tokens: 17, completion_tokens: 7 }, session_id: S, agent_id: A, agent_version_id: V, dry_run: false, team_run_id: null },
          },
        ]));
    it('renews the lease its holder has, without counting an attempt', () =>
      spec.given(running).when(lease(L1, 'w1', LATER)).then([leased(L1, 'w1', '2026-11-25T00:06:00.000Z', 1)]));
    it('refuses a step from a holder whose lease was taken over', () =>
      spec.given([...running, leased(L2, 'w2', LATER, 2)]).when(complete(L1)).thenThrows(ConflictError, 'AGENT_RUN_LEASE_LOST'));
    it('fails by its lease holder', () =>
      spec
        .given(running)
        .when({ type: 'FailAgentRun', data: { run_id: R, lease_id: L1, error: { code: 'MODEL_UNAVAILABLE', message: 'down' } } })
        .then([{ type: 'AgentRunFailed', data: { run_id: R, error: { code: 'MODEL_UNAVAILABLE', message: 'down' } } }]));
  });

  describe('the journal of a running run', () => {
    const running = [queued, leased(L1, 'w1', T0_PLUS_LEASE, 1)];
    const holder = { lease_id: L1 };
    it('is prepared once', () => {
      spec.given(running).when({ type: 'PrepareAgentRun', data: { ...plan, ...holder } }).then([prepared]);
      spec.given([...running, prepared]).when({ type: 'PrepareAgentRun', data: { ...plan, ...holder } }).thenThrows(ConflictError, 'AGENT_RUN_PREPARED');
    });
    it('records model calls in order, after preparation, within react_max_steps', () => {
      spec.given(running).when({ type: 'RecordModelCall', data: { ...modelCall(1), ...holder } }).thenThrows(ConflictError, 'AGENT_RUN_NOT_PREPARED');
      spec.given([...running, prepared]).when({ type: 'RecordModelCall', data: { ...modelCall(1), ...holder } }).then([modelCalled(1)]);
      spec.given([...running, prepared, modelCalled(1)]).when({ type: 'RecordModelCall', data: { ...modelCall(1), ...holder } }).thenThrows(ConflictError, 'AGENT_RUN_STEP_OUT_OF_ORDER');
      spec
        .given([...running, prepared, modelCalled(1), modelCalled(2)])
        .when({ type: 'RecordModelCall', data: { ...modelCall(3), ...holder } })
        .thenThrows(ConflictError, 'AGENT_RUN_MAX_STEPS');
    });
    it('starts a tool invocation, and starts it again after a crash left it running', () => {
      spec.given([...running, prepared, modelCalled(1)]).when({ type: 'StartToolInvocation', data: { ...invocation, ...holder } }).then([started]);
      spec.given([...running, prepared, modelCalled(1), started]).when({ type: 'StartToolInvocation', data: { ...invocation, ...holder } }).then([started]);
    });
    it('never starts or ends an invocation that completed', () => {
      const done = [...running, prepared, modelCalled(1), started, toolCompleted];
      spec.given(done).when({ type: 'StartToolInvocation', data: { ...invocation, ...holder } }).thenThrows(ConflictError, 'TOOL_INVOCATION_ENDED');
      spec
        .given(done)
        .when({ type: 'FailToolInvocation', data: { ...invocation, ...holder, error: { code: 'X', message: 'x' }, duration_ms: null } })
        .thenThrows(ConflictError, 'TOOL_INVOCATION_ENDED');
    });
    it('completes only an invocation that is running', () => {
      const completeIt = { type: 'CompleteToolInvocation', data: { run_id: R, lease_id: L1, invocation_id: I, output_json: { ok: true }, duration_ms: 3 } } as const;
      spec.given([...running, prepared, modelCalled(1), started]).when(completeIt).then([toolCompleted]);
      spec.given([...running, prepared, modelCalled(1)]).when(completeIt).thenThrows(ConflictError, 'TOOL_INVOCATION_NOT_RUNNING');
    });
    it('refuses every step from a holder whose lease was taken over', () =>
      spec
        .given([...running, prepared, leased(L2, 'w2', LATER, 2)])
        .when({ type: 'RecordModelCall', data: { ...modelCall(1), ...holder } })
        .thenThrows(ConflictError, 'AGENT_RUN_LEASE_LOST'));
  });

  describe('an ended run', () => {
    const ended = [queued, leased(L1, 'w1', T0_PLUS_LEASE, 1), { type: 'AgentRunCompleted', data: { run_id: R, answer: 'done', usage: { prompt_tokens: 1, completion_tokens: 1 } } } as AgentRunEvent];
    it('cannot be leased, completed again or cancelled', () => {
      spec.given(ended).when(lease(L2, 'w2', LATER)).thenThrows(ConflictError, 'AGENT_RUN_ENDED');
      spec.given(ended).when(complete(L1)).thenThrows(ConflictError, 'AGENT_RUN_ENDED');
      spec.given(ended).when(cancel()).thenThrows(ConflictError, 'AGENT_RUN_ENDED');
    });
  });

  describe('the stalls of a run (what the run kernel bounds)', () => {
    const stallsAfter = (events: AgentRunEvent[]) => {
      const state = evolveAll(agentRunDecider, agentRunDecider.initialState(), events.map((e) => ({ ...e, metadata: { workspace_id: 'public' } })));
      return state.status === 'none' ? undefined : state.stalls;
    };

    it('count the new leases taken in a row without a step, not their renewals', () =>
      expect(stallsAfter([queued, leased(L1, 'w1', T0_PLUS_LEASE, 1), leased(L1, 'w1', LATER, 1), prepared, leased(L2, 'w2', LATER, 2)])).to.equal(2));

    it('go back to none with a model call or an ended tool invocation, and not with a tool call started again', () => {
      expect(stallsAfter([queued, leased(L1, 'w1', T0_PLUS_LEASE, 1), modelCalled(1)])).to.equal(0);
      expect(stallsAfter([queued, leased(L1, 'w1', T0_PLUS_LEASE, 1), modelCalled(1), started, leased(L2, 'w2', LATER, 2), started])).to.equal(1);
      expect(stallsAfter([queued, leased(L1, 'w1', T0_PLUS_LEASE, 1), started, leased(L2, 'w2', LATER, 2), toolCompleted])).to.equal(0);
    });
  });
});
