import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldIssue } from '@agent-platform/contracts';

/*
 * A skill version's parameter and output schemas. The seed writes a map of field to schema
 * (`{"name":{"type":"string"}}`): every field is required unless it says `"required": false`, and other
 * fields are allowed. A full JSON Schema is taken as it is; it says so with a `type` string or `$schema`.
 */

const ajv = new Ajv({ allErrors: true, strict: false });
/** Versions never change, so a schema compiled once serves every run of it; bounded so a stream of new versions cannot grow it for ever. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 1000;

type Schema = Record<string, unknown>;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a version has a schema to check against at all: `{}` checks nothing. */
export const hasSchema = (schema: Schema): boolean => Object.keys(schema).length > 0;

/** The JSON Schema a version's schema stands for; a map whose field is not an object has none (undefined). */
export const jsonSchemaOf = (schema: Schema): Schema | undefined => {
  if (typeof schema.type === 'string' || '$schema' in schema) return schema;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [field, spec] of Object.entries(schema)) {
    if (!isObject(spec)) return undefined;
    const { required: optional, ...property } = spec;
    properties[field] = property;
    if (optional !== false) required.push(field);
  }
  return { type: 'object', properties, required };
};

/** Why the schema cannot be used, or undefined when it compiles. */
export const schemaProblem = (schema: Schema): string | undefined => {
  const json = jsonSchemaOf(schema);
  if (!json) return 'each field of a field map must be an object, such as {"type":"string"}';
  try {
    ajv.compile(json);
    return undefined;
  } catch (error) {
    return `not a usable JSON Schema: ${(error as Error).message}`;
  }
};

const validatorOf = (key: string, schema: Schema): ValidateFunction => {
  const known = compiled.get(key);
  if (known) return known;
  const validate = ajv.compile(jsonSchemaOf(schema)!);
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, validate);
  return validate;
};

/** The field an error is about: its path, or the property it misses. */
const pathOf = (error: ErrorObject): string[] => {
  const path = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  return missing === undefined ? path : [...path, missing];
};

/**
 * What is wrong with `value` under the schema (compiled and kept under `key`, the version's id and which
 * schema), each problem naming its field under `field`: `body.input_json.name`. Empty when it fits, or when
 * there is no schema.
 */
export const schemaIssues = (key: string, schema: Schema, value: unknown, field: string): FieldIssue[] => {
  if (!hasSchema(schema)) return [];
  const validate = validatorOf(key, schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => ({ field: [field, ...pathOf(error)].join('.'), message: error.message ?? 'is invalid' }));
};
