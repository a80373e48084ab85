import { z } from 'zod';

const Code = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits and _ . - only');

/**
 * How the members of a team work together: `sequential` (each member is given the previous member's output),
 * `parallel` (all at once, then merged), `supervisor` (the supervisor plans, members work, the supervisor
 * reviews), `round_robin` (turns on a shared transcript until one answers with the finish marker).
 */
export const CoordinationMode = z.enum(['supervisor', 'sequential', 'parallel', 'round_robin']);
export type CoordinationMode = z.infer<typeof CoordinationMode>;

/** A member of a team: an agent of the workspace, under a key unique in the version. */
export const MemberRef = z.object({
  member_key: Code,
  agent_id: z.string().uuid().toLowerCase(),
  /** Free text; `supervisor` marks the member that plans, reviews and merges (else the first member does). */
  role: z.string().min(1).max(100).default('member'),
  responsibility: z.string().max(2000).default(''),
});
export type MemberRef = z.infer<typeof MemberRef>;
/** Each member step is an agent run: the bound keeps a team run's fan-out and its prompts small. */
export const MAX_TEAM_MEMBERS = 10;

/**
 * `max_rounds` bounds supervisor rounds (plan, work, review) and round-robin rounds; `failure_policy`
 * says whether a failed member ends the team run (`fail_fast`) or is left out (`continue`);
 * `merge_strategy` how parallel outputs are joined: by the supervisor member, or one after the other.
 */
export const TeamConfig = z
  .object({
    max_rounds: z.number().int().min(1).max(10).default(3),
    failure_policy: z.enum(['fail_fast', 'continue']).default('fail_fast'),
    merge_strategy: z.enum(['supervisor', 'concatenate']).optional(),
  })
  .catchall(z.unknown());
export type TeamConfig = z.infer<typeof TeamConfig>;

export const TeamVersionDefinition = z.object({
  coordination_mode: CoordinationMode,
  objective: z.string().max(10_000).default(''),
  member_refs: z
    .array(MemberRef)
    .min(1)
    .max(MAX_TEAM_MEMBERS)
    // A key names one member: steps, transcripts and assignments refer to members by it.
    .refine((refs) => new Set(refs.map((r) => r.member_key)).size === refs.length, { message: 'names a member_key twice' }),
  config_json: TeamConfig.default({ max_rounds: 3, failure_policy: 'fail_fast' }),
});
export type TeamVersionDefinition = z.infer<typeof TeamVersionDefinition>;

