import { z } from 'zod';
import { defineEvent, type EventOf } from './events.js';

/**
 * An agent run is a journal: every step is recorded before and after it happens, by the processor
 * that holds the run's lease, so a run interrupted anywhere resumes from its last recorded step.
 */
export const AGENT_RUNS_CATEGORY = 'agentrun';

const Id = z.string().uuid().toLowerCase();
export const AgentRunStatus = z.enum(['queued', 'running', 'awaiting_human', 'completed', 'failed', 'cancelled']);
export type AgentRunStatus = z.infer<typeof AgentRunStatus>;
export const TERMINAL_RUN_STATUSES: readonly AgentRunStatus[] = ['completed', 'failed', 'cancelled'];
export const Usage = z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() });
export type Usage = z.infer<typeof Usage>;

export const CreateAgentRunBody = z.object({
  agent_id: Id,
  agent_version_id: Id.optional(),
  session_id: Id,
  input_text: z.string().min(1).max(200_000),
  auto_execute: z.boolean().default(true),
  dry_run: z.boolean().default(false),
});
export type CreateAgentRunBody = z.infer<typeof CreateAgentRunBody>;

export type AgentRunCommand =
  | {
      type: 'QueueAgentRun';
      data: Omit<CreateAgentRunBody, 'agent_version_id'> & { run_id: string; agent_version_id: string; workspace_id: string };
    }
  | { type: 'LeaseAgentRun'; data: { run_id: string; worker_key: string; lease_id: string; now: string; lease_ms: number } }
  | { type: 'CompleteAgentRun'; data: { run_id: string; lease_id: string; answer: string; usage: Usage } }
  | { type: 'FailAgentRun'; data: { run_id: string; lease_id: string; error: { code: string; message: string } } }
  | { type: 'CancelAgentRun'; data: { run_id: string; workspace_id: string; reason?: string } };

export const AgentRunQueued = defineEvent(
  'AgentRunQueued',
  z.object({
    run_id: z.string().uuid(),
    agent_id: z.string().uuid(),
    agent_version_id: z.string().uuid(),
    session_id: z.string().uuid(),
    input_text: z.string(),
    auto_execute: z.boolean(),
    dry_run: z.boolean(),
  }),
  { category: AGENT_RUNS_CATEGORY, description: 'A run of an agent version was asked for; processors pick up queued runs.' },
);
export const AgentRunLeased = defineEvent(
  'AgentRunLeased',
  z.object({
    run_id: z.string().uuid(),
    worker_key: z.string(),
    lease_id: z.string().uuid(),
    lease_expires_at: z.string(),
    attempt: z.number().int().positive(),
  }),
  {
    category: AGENT_RUNS_CATEGORY,
    description: 'A processor took the run; only the holder of the newest lease may record its steps. A later lease resumes a run whose holder died.',
  },
);
export const AgentRunCompleted = defineEvent(
  'AgentRunCompleted',
  z.object({ run_id: z.string().uuid(), answer: z.string(), usage: Usage }),
  { category: AGENT_RUNS_CATEGORY, description: 'The run finished with an answer; usage totals every model call of the run.' },
);
export const AgentRunFailed = defineEvent(
  'AgentRunFailed',
  z.object({ run_id: z.string().uuid(), error: z.object({ code: z.string(), message: z.string() }) }),
  { category: AGENT_RUNS_CATEGORY, description: 'The run ended without an answer.' },
);
export const AgentRunCancelled = defineEvent(
  'AgentRunCancelled',
  z.object({ run_id: z.string().uuid(), reason: z.string().nullable() }),
  { category: AGENT_RUNS_CATEGORY, description: 'Someone cancelled the run before it ended; no further step is recorded.' },
);
export const agentRunEvents = [AgentRunQueued, AgentRunLeased, AgentRunCompleted, AgentRunFailed, AgentRunCancelled] as const;
export type AgentRunEvent =
  | EventOf<typeof AgentRunQueued>
  | EventOf<typeof AgentRunLeased>
  | EventOf<typeof AgentRunCompleted>
  | EventOf<typeof AgentRunFailed>
  | EventOf<typeof AgentRunCancelled>;

// Read model.
export const AgentRunView = z.object({
  id: z.string().uuid(),
  workspace_id: z.string(),
  agent_id: z.string().uuid(),
  agent_version_id: z.string().uuid(),
  session_id: z.string().uuid(),
  input_text: z.string(),
  status: AgentRunStatus,
  auto_execute: z.boolean(),
  dry_run: z.boolean(),
  worker_key: z.string().nullable(),
  attempts: z.number().int(),
  output_text: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  created_time: z.string(),
  started_time: z.string().nullable(),
  finished_time: z.string().nullable(),
  updated_time: z.string(),
});
export type AgentRunView = z.infer<typeof AgentRunView>;
export const ListAgentRunsQuery = z.object({
  agent_id: z.string().uuid().toLowerCase().optional(),
  session_id: z.string().uuid().toLowerCase().optional(),
  status: AgentRunStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
