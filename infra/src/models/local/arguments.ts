/*
 * Arguments that fit a tool's JSON Schema, made up deterministically from the user's words, so the local
 * provider's tool calls pass the validation a real tool applies to its input.
 */

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The user's words (letters and digits) joined by single spaces; punctuation is dropped. */
export const wordsOf = (text: string): string => (text.match(/[\p{L}\p{N}]+/gu) ?? []).join(' ');

/** The schema's type: the first non-null one of a list; an untyped schema with properties is an object. */
const typeOf = (schema: Schema): string => {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (typeof type === 'string') return type;
  return isSchema(schema.properties) ? 'object' : 'string';
};

const stringFor = (schema: Schema, text: string): string => {
  let value = wordsOf(text) || 'text';
  if (typeof schema.maxLength === 'number') value = value.slice(0, schema.maxLength);
  if (typeof schema.minLength === 'number') value = value.padEnd(schema.minLength, 'x');
  return value;
};

/** 1, moved into `[minimum, maximum]` when the schema bounds it. */
const numberFor = (schema: Schema, integer: boolean): number => {
  let value = 1;
  if (typeof schema.minimum === 'number' && value < schema.minimum) value = integer ? Math.ceil(schema.minimum) : schema.minimum;
  if (typeof schema.maximum === 'number' && value > schema.maximum) value = integer ? Math.floor(schema.maximum) : schema.maximum;
  return value;
};

/** Every declared property, in declaration order, and every required name the schema forgot to declare. */
const objectFor = (schema: Schema, text: string): Record<string, unknown> => {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) out[name] = valueFor(property, text);
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof name === 'string' && !(name in out)) out[name] = stringFor({}, text);
  }
  return out;
};

/**
 * A value for one schema: `const`, else `default`, else the first `enum` value, else the first `anyOf` /
 * `oneOf` alternative, else by type — string: the user's words; number/integer: 1 (within bounds);
 * boolean: true; array: one item; object: a value per property; null: null. `pattern` and `format` are not
 * honoured: the local provider is a test double, not a schema-driven data generator.
 */
export const valueFor = (schema: unknown, text: string): unknown => {
  if (!isSchema(schema)) return stringFor({}, text);
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length) return valueFor(alternatives[0], text);
  switch (typeOf(schema)) {
    case 'object':
      return objectFor(schema, text);
    case 'array':
      return [valueFor(schema.items, text)];
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringFor(schema, text);
  }
};

/** Arguments for a tool whose parameters are `parameters` (a JSON Schema of an object); none declared gives `{}`. */
export const argumentsFor = (parameters: unknown, text: string): Record<string, unknown> =>
  isSchema(parameters) ? objectFor(parameters, text) : {};

export const isJsonObject = isSchema;
