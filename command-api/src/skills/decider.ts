import {
  ConflictError,
  SKILL_DEFINITION,
  type SkillCommand,
  type SkillEvent,
  type SkillRuntimeType,
  type SkillVersionStatus,
} from '@agent-platform/contracts';
import type { Decider } from '../decider.js';
import { definitionLookups, versionedDefinitionDecider, type DefinitionState } from '../versionedDefinition.js';

/** What a version runs: kept in the state, so a new run checks its input against the version it resolved from one read of the stream. */
export type SkillVersionDefinition = {
  runtime_type: SkillRuntimeType;
  parameter_schema_json: Record<string, unknown>;
  output_schema_json: Record<string, unknown>;
  implementation_json: Record<string, unknown>;
};
export type SkillState = { definition: DefinitionState<SkillVersionStatus>; versions: Record<string, SkillVersionDefinition> };

const definitionDecider = versionedDefinitionDecider<SkillCommand, SkillEvent, SkillVersionStatus>(SKILL_DEFINITION, {
  from: ['draft', 'published'],
  refusal: (versionId) => new ConflictError('SKILL_VERSION_ARCHIVED', `skill version ${versionId} is already archived`),
});
const { existing, versionOf } = definitionLookups<SkillVersionStatus>(SKILL_DEFINITION);

/** A skill and its versions, as every versioned definition's, plus what each version runs. An archived version runs no more. */
export const skillDecider: Decider<SkillState, SkillCommand, SkillEvent> = {
  initialState: () => ({ definition: definitionDecider.initialState(), versions: {} }),
  evolve: (state, event) => {
    const definition = definitionDecider.evolve(state.definition, event);
    if (event.type !== 'SkillVersionCreated') return { ...state, definition };
    const { runtime_type, parameter_schema_json, output_schema_json, implementation_json } = event.data;
    return { definition, versions: { ...state.versions, [event.data.version_id]: { runtime_type, parameter_schema_json, output_schema_json, implementation_json } } };
  },
  decide: (command, state) => definitionDecider.decide(command, state.definition),
};

/**
 * The version a new run uses, with what it runs: the one asked for, unless it is archived, or else the
 * newest published one (versions are recorded in version order, so the last published is the newest).
 */
export const runnableSkillVersion = (state: SkillState, skillId: string, workspaceId: string, requested?: string) => {
  const skill = existing(state.definition, skillId, workspaceId);
  let versionId = requested;
  if (versionId) {
    if (versionOf(skill, versionId) === 'archived') throw new ConflictError('SKILL_VERSION_ARCHIVED', `skill version ${versionId} is archived`);
  } else {
    versionId = Object.entries(skill.versions).findLast(([, status]) => status === 'published')?.[0];
    if (!versionId) throw new ConflictError('SKILL_NOT_PUBLISHED', `skill ${skillId} has no published version to run`);
  }
  return { versionId, version: state.versions[versionId]! };
};

/** The skill exists in the workspace (404 otherwise). */
export const existingSkill = (state: SkillState, skillId: string, workspaceId: string) => existing(state.definition, skillId, workspaceId);
