import { Ajv, type ValidateFunction } from 'ajv';
import { remember } from './versionCache.js';

/**
 * Checks what a model wants to send a tool against the tool version's `input_schema_json`, so a model that
 * got the arguments wrong is told what is wrong and can try again, and the tool is not called with them.
 * A schema that is not a usable JSON Schema (the seed writes bare property maps) checks nothing.
 */
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction | null>();

const validatorFor = (versionId: string, schema: Record<string, unknown>): ValidateFunction | null => {
  if (compiled.has(versionId)) return compiled.get(versionId)!;
  let validate: ValidateFunction | null = null;
  if ('type' in schema || 'properties' in schema || '$schema' in schema) {
    try {
      validate = ajv.compile(schema);
    } catch {
      validate = null;
    }
  }
  return remember(compiled, versionId, validate);
};

/** Why `input` does not fit the tool version's schema, or undefined when it does (or there is nothing to check). */
export const inputProblem = (versionId: string, schema: Record<string, unknown>, input: Record<string, unknown>): string | undefined => {
  const validate = validatorFor(versionId, schema);
  if (!validate || validate(input)) return undefined;
  return ajv.errorsText(validate.errors, { dataVar: 'input_json' });
};
