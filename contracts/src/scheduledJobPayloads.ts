import { z } from 'zod';
import { CreateAgentRunBody } from './agent-runs.js';
import { PublishIntegrationEventBody } from './integration.js';
import { CreateSkillRunBody } from './skills.js';
import { CreateTeamRunBody } from './team-runs.js';

const JsonObject = z.record(z.string(), z.unknown());

// What each type of job does when it fires. `external` jobs' payloads are the worker's business.
/** An existing run to start (the seed's `{"agent_run_id": …}`), or a new run of an agent. */
export const AgentJobPayload = z.union([z.object({ agent_run_id: z.string().min(1).max(200) }).strict(), CreateAgentRunBody.omit({ auto_execute: true }).strict()]);
export const TeamJobPayload = CreateTeamRunBody.omit({ auto_execute: true }).strict();
export const SkillJobPayload = CreateSkillRunBody.omit({ auto_execute: true }).strict();
export const HttpJobPayload = z
  .object({
    url: z.string().url().max(2000),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    /** In the log in clear: no secrets here. */
    headers: z.record(z.string(), z.string().max(4000)).default({}),
    /** The JSON body, or the query parameters of GET and DELETE. */
    body: JsonObject.default({}),
    timeout_ms: z.number().int().min(100).max(60_000).default(10_000),
  })
  .strict();
export const EventJobPayload = PublishIntegrationEventBody.extend({
  source_service: PublishIntegrationEventBody.shape.source_service.default('scheduler'),
  aggregate_type: PublishIntegrationEventBody.shape.aggregate_type.default('scheduled_job'),
  /** The job's id when left out. */
  aggregate_id: PublishIntegrationEventBody.shape.aggregate_id.optional(),
}).strict();
export const JOB_PAYLOADS = { agent: AgentJobPayload, team: TeamJobPayload, skill: SkillJobPayload, http: HttpJobPayload, event: EventJobPayload } as const;
export type AgentJobPayload = z.infer<typeof AgentJobPayload>;
export type HttpJobPayload = z.infer<typeof HttpJobPayload>;
export type EventJobPayload = z.infer<typeof EventJobPayload>;
