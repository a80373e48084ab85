import { EventJobPayload, HttpJobPayload, integrationStreamId, JOB_PAYLOADS, type JobType } from '@agent-platform/contracts';
import { integrationDecider, sendCommand } from '@agent-platform/command-api/commands';
import type { EventStore, HttpToolRequest, HttpToolResult } from '@agent-platform/infra';
import { agentDispatcher, type AgentDispatchDeps } from './agentDispatch.js';
import { effectKeyOf, failure, type JobDispatcher } from './outcome.js';
import { runDispatchers, type RunDispatchDeps } from './runDispatch.js';

export type DispatchDeps = AgentDispatchDeps &
  RunDispatchDeps & {
    store: EventStore;
    /** The tool invoker's guarded HTTP call: private and loopback addresses are refused unless allowed. */
    callHttp: (request: HttpToolRequest) => Promise<HttpToolResult>;
  };

/** Appends the job's integration event, once per slot (its command id is the slot's). */
const eventDispatcher = ({ store }: DispatchDeps): JobDispatcher => async (job, fire, context) => {
  const payload = EventJobPayload.parse(job.payload_json);
  const aggregateId = payload.aggregate_id ?? job.job_id;
  const sent = await sendCommand(
    store,
    integrationDecider,
    integrationStreamId(context.workspaceId, payload.aggregate_type, aggregateId),
    { type: 'PublishIntegrationEvent', data: { ...payload, aggregate_id: aggregateId } },
    { workspaceId: context.workspaceId, idempotencyKey: effectKeyOf(job, fire), causationId: job.job_id, ...(context.correlationId ? { correlationId: context.correlationId } : {}) },
    // A retried slot finds its key at the append and answers with what it recorded, so no lookup first.
    { stateless: true, findPriorFirst: false },
  );
  return { ok: true, result: { event_id: sent.events[0]?.event_id ?? null, position: sent.lastPosition } };
};

/** Calls the job's endpoint through the SSRF guard, with the slot's `Idempotency-Key`; a non-2xx answer fails the fire. */
const httpDispatcher = ({ callHttp }: DispatchDeps): JobDispatcher => async (job, fire) => {
  const payload = HttpJobPayload.parse(job.payload_json);
  const answer = await callHttp({ method: payload.method, url: payload.url, headers: payload.headers, input: payload.body, idempotencyKey: effectKeyOf(job, fire), timeoutMs: payload.timeout_ms });
  return answer.ok ? { ok: true, result: { status: answer.status, duration_ms: Math.round(answer.durationMs) } } : failure(answer.error.code, answer.error.message);
};

/** Dispatch by job type; a payload that no longer parses (it was checked when the job was created) fails the fire. */
export const createDispatcher = (deps: DispatchDeps): JobDispatcher => {
  const runs = runDispatchers(deps);
  const byType: Record<JobType, JobDispatcher> = { event: eventDispatcher(deps), http: httpDispatcher(deps), agent: agentDispatcher(deps), team: runs.team, skill: runs.skill };
  return async (job, fire, context) => {
    const parsed = JOB_PAYLOADS[job.job_type].safeParse(job.payload_json);
    if (!parsed.success) return failure('SCHEDULED_JOB_PAYLOAD_INVALID', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return byType[job.job_type](job, fire, context);
  };
};
