import { agentRunsProjection } from './module.js';
import { describeProjection, SPEC_TIME } from '../testing/projectionSpecification.js';

const RUN = '66666666-6666-4666-8666-666666666666';
const AGENT = '22222222-2222-4222-8222-222222222222';
const VERSION = '00000000-0000-4000-8000-0000000000a1';
const SESSION = '11111111-1111-4111-8111-111111111111';
const TOOL = '33333333-3333-4333-8333-333333333333';
const TOOL_VERSION = '00000000-0000-4000-8000-0000000000b1';
const INVOCATION = '77777777-7777-4777-8777-777777777777';
const LEASE = '88888888-8888-4888-8888-888888888888';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';
const T3 = '2026-01-01T00:03:00.000Z';
const workspace = { workspace_id: 'ws-1' };
const runEvent = (type: string, data: Record<string, unknown>, at = SPEC_TIME) => ({ type, data: { run_id: RUN, ...data }, metadata: workspace, at });

const queued = runEvent('AgentRunQueued', {
  agent_id: AGENT,
  agent_version_id: VERSION,
  session_id: SESSION,
  input_text: 'Where is order 1?',
  auto_execute: true,
  dry_run: false,
  team_run_id: null,
  member_key: null,
});
const leased = (worker_key: string, attempt: number, at: string, lease_expires_at: string) =>
  runEvent('AgentRunLeased', { worker_key, lease_id: LEASE, lease_expires_at, attempt }, at);
const selectedTool = {
  tool_id: TOOL,
  tool_version_id: TOOL_VERSION,
  tool_code: 'orders',
  tool_type: 'http',
  description: null,
  input_schema_json: {},
  selected_by: 'required',
  requires_approval: false,
};
const memory = { read: 'unavailable', write: 'disabled', memory_scope: 'session', scope_id: null, read_top_k: 5, read_count: 0, read_memories: [], note: null };
const prepared = runEvent(
  'AgentRunPrepared',
  {
    dry_run: false,
    model: 'gpt-test',
    temperature: null,
    max_tokens: null,
    react_enabled: true,
    react_max_steps: 5,
    ask_human_enabled: false,
    messages: [{ role: 'user', content: 'Where is order 1?' }],
    selected_tool_refs: [selectedTool],
    selected_skill_refs: [],
    memory,
    citations: [],
  },
  T1,
);
const citation = {
  knowledge_base_id: '44444444-4444-4444-8444-444444444444',
  document_id: '55555555-5555-4555-8555-555555555555',
  chunk_id: '55555555-5555-4555-8555-555555555555:2',
  chunk_index: 2,
  score: 0.75,
};
const modelCall = (step: number, prompt_tokens: number, completion_tokens: number, at = T1) =>
  runEvent(
    'ModelCallCompleted',
    { step, model: 'gpt-test', content: null, tool_calls: [], finish_reason: 'stop', usage: { prompt_tokens, completion_tokens }, duration_ms: 12 },
    at,
  );
const invocation = {
  invocation_id: INVOCATION,
  step: 1,
  tool_id: TOOL,
  tool_version_id: TOOL_VERSION,
  tool_code: 'orders',
  input_json: { order_id: '1' },
  idempotency_key: 'run-step-1',
  tool_call_id: null,
};
const invocationEvent = (type: string, extra: Record<string, unknown>, at: string) => runEvent(type, { ...invocation, ...extra }, at);
const running = [queued, leased('worker-a', 1, T1, T2)];

describeProjection('agent runs projection', agentRunsProjection, (spec) => {
  describe('the run', () => {
    it('names the team run and member of a member run, and neither for a run queued at version 1', async () => {
      const TEAM_RUN = '99999999-9999-4999-8999-999999999999';
      await spec({ when: [{ ...queued, data: { ...queued.data, team_run_id: TEAM_RUN, member_key: 'writer' } }], then: { table: 'rm_agent_runs', rows: [{ id: RUN, team_run_id: TEAM_RUN, member_key: 'writer' }] } });
      const { team_run_id: _t, member_key: _m, ...v1 } = queued.data as Record<string, unknown>;
      await spec({ when: [{ ...queued, data: v1, schema_version: 1 }], then: { table: 'rm_agent_runs', rows: [{ id: RUN, team_run_id: null, member_key: null }] } });
    });
    it('lists a queued run with its agent, version, session and input, and nothing done yet', () =>
      spec({
        when: [queued],
        then: {
          table: 'rm_agent_runs',
          rows: [
            {
              id: RUN,
              workspace_id: 'ws-1',
              agent_id: AGENT,
              agent_version_id: VERSION,
              session_id: SESSION,
              input_text: 'Where is order 1?',
              status: 'queued',
              auto_execute: true,
              dry_run: false,
              worker_key: null,
              attempts: 0,
              steps: 0,
              prompt_tokens: 0,
              completion_tokens: 0,
              lease_expires_at: null,
              created_time: new Date(SPEC_TIME),
              started_time: null,
              finished_time: null,
            },
          ],
        },
      }));

    it('marks a leased run running by its worker until the lease expires', () =>
      spec({
        given: [queued],
        when: [leased('worker-a', 1, T1, T2)],
        then: {
          table: 'rm_agent_runs',
          rows: [{ id: RUN, status: 'running', worker_key: 'worker-a', attempts: 1, lease_expires_at: new Date(T2), started_time: new Date(T1) }],
        },
      }));

    it('keeps the time a run first started when another worker resumes it, and counts the attempt', () =>
      spec({
        given: running,
        when: [leased('worker-b', 2, T2, T3)],
        then: {
          table: 'rm_agent_runs',
          rows: [{ id: RUN, worker_key: 'worker-b', attempts: 2, lease_expires_at: new Date(T3), started_time: new Date(T1), updated_time: new Date(T2) }],
        },
      }));

    it('keeps what a run prepared: the tools and skills it selected and what it did about memory', () =>
      spec({
        given: running,
        when: [prepared],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, selected_tool_refs: [selectedTool], selected_skill_refs: [], memory, dry_run: false, citations: [] }] },
      }));

    it('keeps the knowledge chunks a run cites, by id and score', () =>
      spec({
        given: running,
        when: [runEvent('AgentRunPrepared', { ...prepared.data, citations: [citation] }, T1)],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, citations: [citation] }] },
      }));

    it('projects a plan recorded at version 2, lifted by its upcaster, as one that cites nothing', () => {
      const { citations: _new, ...v2 } = prepared.data as Record<string, unknown>;
      return spec({
        given: running,
        when: [{ ...prepared, data: v2, schema_version: 2 }],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, memory, citations: [] }] },
      });
    });

    it('says a run wrote its memory once a memory names the run as its provenance, in the run’s workspace only', () => {
      const plannedMemory = { ...memory, read: 'read', write: 'pending', scope_id: SESSION };
      const planned = runEvent('AgentRunPrepared', { ...prepared.data, memory: plannedMemory }, T1);
      const sealed = { alg: 'A256GCM', key_id: 'k1', iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' };
      const written = (workspace_id: string, run_id: string, at = T2) => ({
        type: 'MemoryWritten',
        data: {
          memory_id: '99999999-9999-4999-8999-999999999999',
          scope_type: 'session',
          scope_id: SESSION,
          memory_type: 'conversation',
          importance_score: 50,
          expires_at: null,
          content: sealed,
          provenance: { run_id, agent_id: AGENT, position: 9 },
        },
        metadata: { workspace_id },
        at,
      });
      const other = { ...written('ws-1', RUN), data: { ...written('ws-1', RUN).data, provenance: null } };
      return spec({
        given: [queued, planned],
        when: [other, written('ws-1', RUN), written('ws-other', RUN, T3)],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, memory: { ...plannedMemory, write: 'written' }, updated_time: new Date(T2) }] },
      });
    });

    it('adds each model call’s usage up and counts its steps while the run goes', () =>
      spec({
        given: [...running, prepared],
        when: [modelCall(1, 10, 3), modelCall(2, 20, 4)],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, steps: 2, prompt_tokens: 30, completion_tokens: 7 }] },
      }));

    it('ends a completed run with its answer and the usage it states, holding no lease', () =>
      spec({
        given: [...running, prepared, modelCall(1, 10, 3)],
        when: [runEvent('AgentRunCompleted', { answer: 'Shipped.', usage: { prompt_tokens: 11, completion_tokens: 4 }, session_id: SESSION }, T3)],
        then: {
          table: 'rm_agent_runs',
          rows: [
            { id: RUN, status: 'completed', output_text: 'Shipped.', prompt_tokens: 11, completion_tokens: 4, lease_expires_at: null, finished_time: new Date(T3) },
          ],
        },
      }));

    it('projects a completed run recorded at version 1, lifted by its upcaster', () =>
      spec({
        given: running,
        when: [{ ...runEvent('AgentRunCompleted', { answer: 'Old.', usage: { prompt_tokens: 1, completion_tokens: 1 } }, T3), schema_version: 1 }],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, status: 'completed', output_text: 'Old.' }] },
      }));

    it('ends a failed run with its error, holding no lease', () =>
      spec({
        given: running,
        when: [runEvent('AgentRunFailed', { error: { code: 'MODEL_UNAVAILABLE', message: 'no model' } }, T3)],
        then: {
          table: 'rm_agent_runs',
          rows: [{ id: RUN, status: 'failed', error: { code: 'MODEL_UNAVAILABLE', message: 'no model' }, lease_expires_at: null, finished_time: new Date(T3) }],
        },
      }));

    it('ends a cancelled run, holding no lease', () =>
      spec({
        given: running,
        when: [runEvent('AgentRunCancelled', { reason: 'user asked' }, T3)],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, status: 'cancelled', lease_expires_at: null, finished_time: new Date(T3), output_text: null }] },
      }));
  });

  describe('its tool invocations', () => {
    const TABLE = 'rm_agent_tool_invocations';

    it('lists a started call as running, on its first attempt', () =>
      spec({
        given: running,
        when: [invocationEvent('ToolInvocationStarted', {}, T1)],
        then: {
          table: TABLE,
          rows: [
            {
              id: INVOCATION,
              workspace_id: 'ws-1',
              run_id: RUN,
              step: 1,
              tool_id: TOOL,
              tool_code: 'orders',
              status: 'running',
              input_json: { order_id: '1' },
              idempotency_key: 'run-step-1',
              attempts: 1,
              started_time: new Date(T1),
              finished_time: null,
            },
          ],
        },
      }));

    it('counts one more attempt when a resumed run starts the call again, and keeps the newest start', () =>
      spec({
        given: [...running, invocationEvent('ToolInvocationStarted', {}, T1)],
        when: [invocationEvent('ToolInvocationStarted', {}, T2)],
        then: { table: TABLE, rows: [{ id: INVOCATION, status: 'running', attempts: 2, started_time: new Date(T2), created_time: new Date(T1) }] },
      }));

    it('keeps a completed call’s output and how long it took', () =>
      spec({
        given: [...running, invocationEvent('ToolInvocationStarted', {}, T1)],
        when: [runEvent('ToolInvocationCompleted', { invocation_id: INVOCATION, step: 1, output_json: { status: 'shipped' }, duration_ms: 42.5 }, T2)],
        then: { table: TABLE, rows: [{ id: INVOCATION, status: 'completed', output_json: { status: 'shipped' }, duration_ms: 42.5, finished_time: new Date(T2) }] },
      }));

    it('keeps a failed call’s error, whether or not it had started', () =>
      spec({
        given: running,
        when: [invocationEvent('ToolInvocationFailed', { error: { code: 'TOOL_TIMEOUT', message: 'timed out' }, duration_ms: null }, T2)],
        then: {
          table: TABLE,
          rows: [{ id: INVOCATION, status: 'failed', error: { code: 'TOOL_TIMEOUT', message: 'timed out' }, duration_ms: null, attempts: 0, finished_time: new Date(T2) }],
        },
      }));

    it('keeps why a call was skipped as its error, with the code SKIPPED', () =>
      spec({
        given: running,
        when: [invocationEvent('ToolInvocationSkipped', { reason: 'skills have no runtime yet' }, T2)],
        then: { table: TABLE, rows: [{ id: INVOCATION, status: 'skipped', error: { code: 'SKIPPED', message: 'skills have no runtime yet' }, finished_time: new Date(T2) }] },
      }));

    it('lists a call a dry run selected as selected, never started', () =>
      spec({
        given: running,
        when: [invocationEvent('ToolInvocationSelected', {}, T1)],
        then: { table: TABLE, rows: [{ id: INVOCATION, status: 'selected', attempts: 0, started_time: null }] },
      }));
  });

  describe('its waits for people', () => {
    const TASK = '99999999-aaaa-4bbb-8ccc-dddddddddddd';
    const running = [queued, leased('w1', 1, T1, T2)];
    const subject = { kind: 'tool', code: 'orders', ref_id: TOOL, version_id: TOOL_VERSION, input_json: { order_id: '1' }, input_hash: 'sha256:proposed' };
    const awaiting = (withSubject = true) =>
      runEvent(
        'AgentRunAwaitingHuman',
        {
          reason: withSubject ? 'approval' : 'input',
          task_id: TASK,
          invocation_id: INVOCATION,
          step: 1,
          task: { task_type: withSubject ? 'approval' : 'input', title: 't', description: null, request_payload_json: {}, subject: withSubject ? subject : null },
        },
        T2,
      );
    const approved = runEvent(
      'AgentRunResumed',
      { task_id: TASK, outcome: 'approved', acted_by: 'ops-1', comment: 'ok', response_payload_json: {}, approved_input: { input_json: { order_id: '2' }, input_hash: 'sha256:edited', edited: true } },
      T3,
    );
    const waitingFor = { reason: 'approval', task_id: TASK, invocation_id: INVOCATION, step: 1 };

    it('shows what a waiting run waits for, holding no lease, and the call waiting for its approval with the proposed input', () =>
      spec({
        given: running,
        when: [awaiting()],
        then: [
          { table: 'rm_agent_runs', rows: [{ id: RUN, status: 'awaiting_human', lease_expires_at: null, waiting_for: waitingFor }] },
          {
            table: 'rm_agent_tool_invocations',
            rows: [
              {
                id: INVOCATION,
                status: 'awaiting_human',
                tool_code: 'orders',
                tool_version_id: TOOL_VERSION,
                input_json: { order_id: '1' },
                approval: { task_id: TASK, outcome: null, acted_by: null, proposed_input_hash: 'sha256:proposed', approved_input_hash: null, edited: null, comment: null },
              },
            ],
          },
        ],
      }));

    it('records the decision on the call, and makes the run leasable at once (its lease ran out at the decision)', () =>
      spec({
        given: [...running, awaiting()],
        when: [approved],
        then: [
          { table: 'rm_agent_runs', rows: [{ id: RUN, status: 'running', lease_expires_at: new Date(T3), waiting_for: null }] },
          {
            table: 'rm_agent_tool_invocations',
            rows: [{ id: INVOCATION, approval: { task_id: TASK, outcome: 'approved', acted_by: 'ops-1', proposed_input_hash: 'sha256:proposed', approved_input_hash: 'sha256:edited', edited: true, comment: 'ok' } }],
          },
        ],
      }));

    it('makes no invocation row for a question', () =>
      spec({
        given: running,
        when: [awaiting(false)],
        then: [
          { table: 'rm_agent_runs', rows: [{ id: RUN, status: 'awaiting_human', waiting_for: { ...waitingFor, reason: 'input' } }] },
          { table: 'rm_agent_tool_invocations', rows: [] },
        ],
      }));

    it('shows a paused or taken-over run as awaiting_human, and a resumed one as leasable at once', () =>
      spec({
        given: running,
        when: [runEvent('AgentRunPaused', { mode: 'takeover', by: 'ops-1', reason: null, task_id: TASK, after_step: 2 }, T2)],
        then: { table: 'rm_agent_runs', rows: [{ id: RUN, status: 'awaiting_human', lease_expires_at: null, waiting_for: { reason: 'takeover', task_id: TASK, invocation_id: null, step: 2 } }] },
      }).then(() =>
        spec({
          given: [...running, runEvent('AgentRunPaused', { mode: 'pause', by: null, reason: null, task_id: null, after_step: 0 }, T2)],
          when: [runEvent('AgentRunUnpaused', { mode: 'pause', by: null, task_id: null, after_step: 0, messages: [] }, T3)],
          then: { table: 'rm_agent_runs', rows: [{ id: RUN, status: 'running', lease_expires_at: new Date(T3), waiting_for: null }] },
        }),
      ));
  });
});
