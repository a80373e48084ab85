import type { AgentVersionDefinition, SelectedSkillRef, SelectedToolRef } from '@agent-platform/contracts';

type ToolRef = AgentVersionDefinition['tool_refs'][number];
type SkillRef = AgentVersionDefinition['skill_refs'][number];

const mentions = (keywords: readonly string[], input: string): boolean => {
  const text = input.toLowerCase();
  return keywords.some((keyword) => text.includes(keyword.toLowerCase()));
};

/**
 * The seed's rule: a tool is selected when it is required, auto-invoked, or one of its keywords is in the
 * input. A ReAct run offers its model every tool of the version anyway (the model chooses), so there an
 * unselected tool is still offered, as `react`.
 */
export const toolSelection = (ref: ToolRef, input: string, reactEnabled: boolean): SelectedToolRef['selected_by'] | undefined => {
  if (ref.required) return 'required';
  if (ref.config_json.auto_invoke === true) return 'auto_invoke';
  if (mentions(ref.selection_keywords, input)) return 'keyword';
  return reactEnabled ? 'react' : undefined;
};

/** The seed's rule: a skill is selected unless `config_json.auto_invoke` is false; a keyword in the input selects it regardless. */
export const skillSelection = (ref: SkillRef, input: string): SelectedSkillRef['selected_by'] | undefined => {
  if (mentions(ref.selection_keywords, input)) return 'keyword';
  return ref.config_json.auto_invoke === false ? undefined : 'default';
};
