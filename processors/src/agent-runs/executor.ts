import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, type AgentRunCommand, type AgentRunOutcome } from '@agent-platform/contracts';
import { isTerminal, outcomeOf, type ExecuteOptions, type RunExecutor } from '@agent-platform/command-api/commands';
import { uuidFrom, type Logger } from '@agent-platform/infra';
import { createDefinitions } from './definitions.js';
import { openJournal, type Journal } from './journal.js';
import { PlanError, prepareRun } from './prepare.js';
import { redactorOf } from './redaction.js';
import { runToEnd, type RunnerDeps } from './runner.js';

export type ExecutorDeps = Omit<RunnerDeps, 'definitions' | 'redact'> & {
  /** How long a lease lasts; its holder renews it every third of that while it works, so a dead holder's run is resumed this long after. */
  leaseMs: number;
  log: Logger;
};

/** Codes that mean "someone else has this run now" (a newer lease, a cancel): the worker lets go quietly. */
const LET_GO = new Set(['AGENT_RUN_LEASE_LOST', 'AGENT_RUN_ENDED']);

/**
 * Leases the run, planning it first if it has no plan yet (or taking the plan made while it was queued),
 * so that the lease and the plan go in one append. A definition that cannot be planned fails the run
 * instead (it would fail the same way again). Resolves once the lease is decided, with the append that
 * makes it durable still going.
 */
const leaseAndPlan = async (
  deps: RunnerDeps,
  journal: Journal,
  lease: Extract<AgentRunCommand, { type: 'LeaseAgentRun' }>,
  options: Pick<ExecuteOptions, 'dryRun' | 'planned'>,
): Promise<{ durable: Promise<void> }> => {
  const run = journal.state();
  if (run.status === 'none' || run.prepared) return { durable: journal.record(lease) };
  try {
    const plan = await (options.planned ??
      prepareRun(deps.definitions, { request: run.request, workspaceId: run.workspaceId, dryRun: options.dryRun ?? run.dryRun }, deps.models.defaultModel));
    journal.defer(lease);
    return { durable: journal.record({ type: 'PrepareAgentRun', data: { ...plan, lease_id: lease.data.lease_id } }) };
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    journal.defer(lease);
    return { durable: journal.record({ type: 'FailAgentRun', data: { run_id: journal.runId, lease_id: lease.data.lease_id, error: error.error } }) };
  }
};

/** A dry run selects and calls nothing: its selected tools are recorded as such, and it ends with a summary. */
const finishDryRun = async (journal: Journal, leaseId: string) => {
  const run = journal.state();
  if (run.status === 'none' || !run.prepared) return;
  const plan = run.prepared;
  for (const [index, tool] of plan.selected_tool_refs.entries()) {
    const invocation_id = uuidFrom('agent-tool-selection', journal.runId, String(index));
    if (run.invocations[invocation_id]) continue;
    await journal.record({
      type: 'SelectToolInvocation',
      data: {
        run_id: journal.runId,
        lease_id: leaseId,
        invocation_id,
        step: 0,
        tool_id: tool.tool_id,
        tool_version_id: tool.tool_version_id,
        tool_code: tool.tool_code,
        input_json: {},
        idempotency_key: `${journal.runId}:dry:${index}`,
        tool_call_id: null,
      },
    });
  }
  const tools = plan.selected_tool_refs.map((t) => t.tool_code).join(', ') || 'none';
  const skills = plan.selected_skill_refs.map((s) => s.skill_code ?? s.skill_id).join(', ') || 'none';
  await journal.record({
    type: 'CompleteAgentRun',
    data: { run_id: journal.runId, lease_id: leaseId, answer: `Dry run: nothing was called. Selected tools: ${tools}. Selected skills: ${skills}.` },
  });
};

/**
 * A run this process drives: `leased` settles once the lease is its (or refused), `done` when the run ends;
 * `workspaceId` when the start knew the run's events.
 */
type Driving = { leased: Promise<void>; done: Promise<AgentRunOutcome>; abort: AbortController; workspaceId?: string };

/**
 * Leases a run and drives it to its end, renewing the lease while it works. A worker that dies stops
 * renewing; once the lease runs out, any worker's `start` (the processor's redelivery, the sweeper, an
 * HTTP execute) takes the run over and resumes it from its journal.
 */
export const createRunExecutor = (executorDeps: ExecutorDeps): Required<RunExecutor> & { stop: () => Promise<void> } => {
  const deps: RunnerDeps & ExecutorDeps = { ...executorDeps, definitions: createDefinitions(executorDeps.store), redact: redactorOf(executorDeps.secrets) };
  const byRun = new Map<string, Driving>();

  const drive = (runId: string, options: ExecuteOptions): Driving => {
    const abort = new AbortController();
    const planned = (async () => {
      const journal = await openJournal(deps.store, runId, options.known);
      const state = journal.state();
      if (state.status === 'none') throw new NotFoundError('AGENT_RUN_NOT_FOUND', `agent run ${runId} does not exist`);
      if (isTerminal(state)) throw new ConflictError('AGENT_RUN_ENDED', `agent run ${runId} is ${state.status}`);
      const leaseMs = options.leaseMs ?? deps.leaseMs;
      const leaseId = randomUUID();
      const leaseCommand = () =>
        ({
          type: 'LeaseAgentRun',
          data: { run_id: runId, worker_key: options.workerKey, lease_id: leaseId, now: new Date().toISOString(), lease_ms: leaseMs },
        }) as const;
      const { durable } = await leaseAndPlan(deps, journal, leaseCommand(), options);
      const log = deps.log.child({ agent_run_id: runId, workspace_id: state.workspaceId, correlation_id: state.correlationId, worker_key: options.workerKey });
      // A lease that does not become durable (another worker's came first) stops what already started.
      durable.catch((error: unknown) => abort.abort(error));
      return { journal, leaseId, leaseMs, leaseCommand, log, durable };
    })();
    const leased = planned.then(({ durable }) => durable);

    // The run starts once its lease is decided: its first model call (no effects) overlaps the lease's
    // append, and its first step with an effect is appended after it.
    const done = planned.then(async ({ journal, leaseId, leaseMs, leaseCommand, log, durable }) => {
      const heartbeat = setInterval(() => {
        journal.record(leaseCommand()).catch((error: unknown) => {
          // Lost the run (cancelled, or taken over after a stall): stop the calls in flight.
          log.info({ err: error }, 'lease renewal refused; letting the run go');
          abort.abort(error);
        });
      }, Math.max(50, Math.floor(leaseMs / 3)));
      heartbeat.unref();
      try {
        const run = journal.state();
        if (run.status !== 'none' && !isTerminal(run) && run.prepared) {
          if (run.prepared.dry_run) await finishDryRun(journal, leaseId);
          else await runToEnd(deps, journal, leaseId, abort.signal);
        }
      } catch (error) {
        if (error instanceof ConflictError && LET_GO.has(error.code)) {
          log.info({ code: error.code }, 'agent run taken over or ended elsewhere');
        } else if (!abort.signal.aborted) {
          throw error;
        }
      } finally {
        clearInterval(heartbeat);
      }
      // A run whose lease never became durable was never this worker's: `done` says so, not a state it never recorded.
      await durable;
      return outcomeOf(runId, journal.state(), journal.position());
    });
    const workspaceId = options.known?.[0]?.metadata.workspace_id;
    return { leased, done, abort, ...(workspaceId ? { workspaceId } : {}) };
  };

  return {
    start: async (runId, options: ExecuteOptions) => {
      // A run this process drives already is joined, not leased again: one driver per run. It is known
      // from the first moment, so a second start (the processor's, after the eager one) reads nothing.
      let driving = byRun.get(runId);
      if (!driving) {
        const started = drive(runId, options);
        driving = started;
        byRun.set(runId, started);
        const forget = () => {
          if (byRun.get(runId) === started) byRun.delete(runId);
        };
        started.done.then(forget, forget);
      }
      await driving.leased;
      return { done: driving.done };
    },
    plan: (run) => prepareRun(deps.definitions, run, deps.models.defaultModel),
    drivenHere: (runId) => {
      const workspaceId = byRun.get(runId)?.workspaceId;
      return workspaceId ? { workspaceId } : undefined;
    },
    /** Shutting down: stops every run this process works on; their leases run out and another process resumes them. */
    stop: async () => {
      const driving = [...byRun.values()];
      for (const { abort } of driving) abort.abort(new Error('the process is stopping'));
      await Promise.allSettled(driving.map((d) => d.done));
    },
  };
};
