import { CreateSkillBody, CreateSkillVersionBody, SKILL_DEFINITION, SKILLS_CATEGORY, ValidationError } from '@agent-platform/contracts';
import type { Api } from '@agent-platform/infra';
import { definitionRoutes } from '../definitions.js';
import type { CommandDeps } from '../http.js';
import { skillDecider } from './decider.js';
import { schemaProblem } from './schemas.js';

/** Both schemas of a version are compiled before it is stored: one no run could be checked against is a 400 naming it. */
const schemasUsable = async (body: CreateSkillVersionBody): Promise<void> => {
  const issues = (['parameter_schema_json', 'output_schema_json'] as const).flatMap((field) => {
    const problem = schemaProblem(body[field]);
    return problem ? [{ field: `body.${field}`, message: problem }] : [];
  });
  if (issues.length) throw new ValidationError(issues);
};

export const skillRoutes = (api: Api, deps: CommandDeps): void =>
  definitionRoutes(api, deps, SKILL_DEFINITION, {
    category: SKILLS_CATEGORY,
    decider: skillDecider,
    createBody: CreateSkillBody,
    versionBody: CreateSkillVersionBody,
    checkVersion: schemasUsable,
  });
