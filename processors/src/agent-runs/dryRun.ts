import { uuidFrom } from '@agent-platform/infra';
import type { AgentRunJournal } from './stream.js';

/** A dry run selects and calls nothing: its selected tools are recorded as such, and it ends with a summary. */
export const finishDryRun = async (journal: AgentRunJournal, leaseId: string) => {
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
