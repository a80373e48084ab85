/**
 * The served OpenAPI document as the suites that walk it read it: its operations, and for each a valid
 * request body built from the schema alone. Deriving both from the document is what lets a route added
 * later join the isolation walk and the hostile-input suite with no new test code.
 */

/** The subset of JSON Schema (OpenAPI 3.1) the platform's zod schemas produce. */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  minItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
};

type Parameter = { in: string; name: string; required?: boolean; schema?: Schema };
type RawOperation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
  /** The largest JSON body the route takes, stated by the route layer. */
  'x-body-limit-bytes'?: number;
};
export type Document = { paths: Record<string, Record<string, RawOperation>>; components?: { schemas?: Record<string, Schema> } };

export type Operation = {
  method: string;
  /** OpenAPI syntax: `/agents/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: Parameter[];
  headerParams: string[];
  body: Schema | undefined;
  /** The largest JSON body it takes (2 MiB unless it takes documents). */
  bodyLimitBytes: number;
  /** The media types of its success answers, e.g. `text/event-stream` for a live stream. */
  produces: string[];
};

/**
 * The routes that hold no tenant data, so there is nothing of A's for B to be refused: the probes, the
 * document, the provider's model list, and the projection status (an operator surface, which shows the
 * global positions until it is put behind an operator scope). Every other route is walked; this list
 * names only routes the document has, so it cannot outlive them.
 */
export const NO_TENANT_DATA = ['GET /health', 'GET /ready', 'GET /metrics', 'GET /openapi.json', 'GET /models', 'GET /models/models', 'GET /projections'];

export const COMMAND_METHODS = ['post', 'put', 'patch', 'delete'];

export const operationsOf = (doc: Document): Operation[] =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method,
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query'),
      headerParams: (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name),
      body: op.requestBody?.content['application/json']?.schema,
      bodyLimitBytes: op['x-body-limit-bytes'] ?? 2 * 1024 * 1024,
      produces: Object.entries(op.responses)
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([, r]) => Object.keys(r.content ?? {})),
    })),
  );

export const label = (op: Pick<Operation, 'method' | 'path'>): string => `${op.method.toUpperCase()} ${op.path}`;

/** Follows `$ref`s into `components.schemas`. */
export const resolve = (doc: Document, schema: Schema): Schema => {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolvable reference ${schema.$ref}`);
  return resolve(doc, target);
};

/** The JSON types a schema admits; undefined when it admits anything (a free-form value). */
export const typesOf = (doc: Document, raw: Schema): Set<string> | undefined => {
  const schema = resolve(doc, raw);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const all = alternatives.map((s) => typesOf(doc, s));
    if (all.some((t) => t === undefined)) return undefined;
    return new Set(all.flatMap((t) => [...t!]));
  }
  if (schema.type === undefined) return schema.enum ? new Set(schema.enum.map(jsonType)) : undefined;
  return new Set(Array.isArray(schema.type) ? schema.type : [schema.type]);
};

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;

/** Whether `value`'s JSON type is one the schema admits (enums and bounds aside). */
export const admitsType = (doc: Document, schema: Schema, value: unknown): boolean => {
  const types = typesOf(doc, schema);
  if (!types) return true;
  const type = jsonType(value);
  return types.has(type) || (type === 'integer' && types.has('number'));
};

/**
 * Values the sampler must use for some fields, by field name: the ids of the resources a request is
 * about (`agent_id`), or values taken from another request (`aggregate_id`). `undefined` means none.
 */
export type FieldValues = (name: string, schema?: Schema) => unknown;

/**
 * A value the schema accepts, from the field's given value, its default or its type. Optional fields
 * are left out unless `values` names them, so the request is the smallest valid one about the given ids.
 */
export const sample = (doc: Document, raw: Schema, values: FieldValues, name = ''): unknown => {
  const schema = resolve(doc, raw);
  const given = name ? values(name, schema) : undefined;
  if (given !== undefined && admitsType(doc, schema, given) && (!schema.enum || schema.enum.includes(given))) return given;
  if (schema.default !== undefined) return structuredClone(schema.default);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return sample(doc, alternatives[0]!, values, name);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(key) || values(key, resolve(doc, property)) !== undefined) out[key] = sample(doc, property, values, key);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(doc, schema.items ?? {}, values));
    case 'string':
      return sampleString(schema, name);
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    default:
      return {};
  }
};

const sampleString = (schema: Schema, name: string): string => {
  if (schema.format === 'uuid') throw new Error(`no value for the required id field ${name}: name the resource it refers to`);
  if (schema.format === 'uri') return 'http://127.0.0.1:9/walk';
  const text = 'walk_value';
  return schema.maxLength !== undefined && schema.maxLength < text.length ? text.slice(0, Math.max(1, schema.maxLength)) : text;
};
