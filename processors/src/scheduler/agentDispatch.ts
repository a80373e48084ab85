import { AGENT_RUNS_CATEGORY, AGENTS_CATEGORY, AgentJobPayload, SESSIONS_CATEGORY, streamId, type JobDefinition } from '@agent-platform/contracts';
import { agentDecider, agentRunDecider, evolveAll, isTerminal, runnableVersion, sendCommand, sessionDecider, type InFlight, type RunExecutor } from '@agent-platform/command-api/commands';
import { uuidFrom, type EventStore } from '@agent-platform/infra';
import { failure, refusalOf, type FireContext, type FireOutcome, type JobDispatcher } from './outcome.js';

export type AgentDispatchDeps = { store: EventStore; agentRuns?: { executor: RunExecutor; workerKey: string } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The seed's `{"agent_run_id": …}`: starts that queued run of the job's workspace; a run that does not exist fails the fire. */
const startExisting = async (deps: AgentDispatchDeps, runId: string, context: FireContext): Promise<FireOutcome> => {
  const events = UUID.test(runId) ? await deps.store.readStream(streamId(AGENT_RUNS_CATEGORY, runId.toLowerCase())) : [];
  const run = evolveAll(agentRunDecider, agentRunDecider.initialState(), events);
  if (run.status === 'none' || events[0]?.metadata.workspace_id !== context.workspaceId) return failure('AGENT_RUN_NOT_FOUND', `agent run ${runId} does not exist in this workspace`);
  if (isTerminal(run)) return failure('AGENT_RUN_ENDED', `agent run ${runId} is ${run.status}`);
  if (run.status !== 'queued') return { ok: true, result: { agent_run_id: runId, started: false, status: run.status } };
  if (!deps.agentRuns) return failure('AGENT_RUNS_UNAVAILABLE', 'this scheduler runs where agent runs are not executed');
  try {
    // Leased to this process; the run goes on without the fire waiting for its end.
    const { done } = await deps.agentRuns.executor.start(runId.toLowerCase(), { workerKey: deps.agentRuns.workerKey, known: events });
    done.catch(() => undefined);
    return { ok: true, result: { agent_run_id: runId, started: true } };
  } catch (error) {
    // Another scheduler racing for the same slot (or a worker) took it first: the run is running.
    if (error instanceof Error && 'code' in error && error.code === 'AGENT_RUN_LEASED') return { ok: true, result: { agent_run_id: runId, started: false, status: 'running' } };
    return refusalOf(error);
  }
};

/** A new run of the payload's agent in its session, queued with `auto_execute`; its id is the slot's, so a retried fire queues it once. */
const queueRun = async (deps: AgentDispatchDeps, job: JobDefinition, fire: InFlight, context: FireContext): Promise<FireOutcome> => {
  const payload = AgentJobPayload.parse(job.payload_json);
  if ('agent_run_id' in payload) return startExisting(deps, payload.agent_run_id, context);
  const runId = uuidFrom('scheduled-agent-run', job.job_id, fire.slot);
  try {
    const [agent, session] = await Promise.all([
      deps.store.readStream(streamId(AGENTS_CATEGORY, payload.agent_id)).then((e) => evolveAll(agentDecider, agentDecider.initialState(), e)),
      deps.store.readStream(streamId(SESSIONS_CATEGORY, payload.session_id)).then((e) => evolveAll(sessionDecider, sessionDecider.initialState(), e)),
    ]);
    const versionId = runnableVersion(agent, payload.agent_id, context.workspaceId, payload.agent_version_id);
    if (session.status === 'none' || session.workspaceId !== context.workspaceId) return failure('SESSION_NOT_FOUND', `session ${payload.session_id} does not exist in this workspace`);
    if (session.status === 'closed') return failure('SESSION_CLOSED', `session ${payload.session_id} is closed`);
    await sendCommand(
      deps.store,
      agentRunDecider,
      streamId(AGENT_RUNS_CATEGORY, runId),
      { type: 'QueueAgentRun', data: { ...payload, auto_execute: true, run_id: runId, agent_version_id: versionId, workspace_id: context.workspaceId } },
      { workspaceId: context.workspaceId, causationId: job.job_id, ...(context.correlationId ? { correlationId: context.correlationId } : {}) },
      { newStream: true, retryOnConflict: 1 },
    );
    return { ok: true, result: { agent_run_id: runId } };
  } catch (error) {
    // Queued by an earlier attempt of this slot: the run exists and goes on.
    if (error instanceof Error && 'code' in error && error.code === 'AGENT_RUN_EXISTS') return { ok: true, result: { agent_run_id: runId } };
    return refusalOf(error);
  }
};

export const agentDispatcher = (deps: AgentDispatchDeps): JobDispatcher => (job, fire, context) => queueRun(deps, job, fire, context);
