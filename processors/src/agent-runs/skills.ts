import type { RunError, SelectedSkillRef } from '@agent-platform/contracts';

/**
 * How an agent run uses the skills it selected: each is run as a skill run of its own (visible under
 * `/skills/runs`), once per agent run and ref, given `{"input_text": <the run's input>}`, and its output
 * goes into the prompt. The skills domain implements it; a process without it records the skills as skipped.
 */
export type RunSkills = {
  invoke: (call: {
    agentRunId: string;
    /** The ref's place in the plan: with the agent run, what makes the skill run the same one on every attempt. */
    index: number;
    workspaceId: string;
    correlationId: string | undefined;
    ref: SelectedSkillRef;
    /** `{"input_text": <the run's input>}`, or what a person approved instead. */
    input: Record<string, unknown>;
  }) => Promise<{ output: unknown } | { error: RunError }>;
  /** The skill and version a ref calls now (the ref's, or the newest published): what a person approves before the call. */
  resolve: (call: { workspaceId: string; ref: SelectedSkillRef }) => Promise<{ skillId: string; versionId: string } | { error: RunError }>;
};
