import fc from 'fast-check';
import { admitsType, resolve, typesOf, type Document, type Operation, type Schema } from './document.js';

/** A valid request to a command route: what each hostile request spoils in exactly one way. */
export type Base = { op: Operation; path: string; body: unknown; headers: Record<string, string> };

/** `kind` names the spoiling, for the report; `raw` is the body as sent (it may not be what JSON.stringify would write). */
export type HostileRequest = { kind: string; method: string; path: string; headers: Record<string, string>; raw?: string };

/** A body property, reached through objects: where a mutation puts its value. */
type Slot = { path: string[]; schema: Schema; required: boolean };

const objectOf = (doc: Document, raw: Schema): Schema | undefined => {
  const schema = resolve(doc, raw);
  if (schema.properties) return schema;
  return (schema.anyOf ?? schema.oneOf)?.map((s) => resolve(doc, s)).find((s) => s.properties);
};

const slotsOf = (doc: Document, schema: Schema, prefix: string[] = []): Slot[] => {
  const object = objectOf(doc, schema);
  if (!object || prefix.length > 3) return [];
  return Object.entries(object.properties ?? {}).flatMap(([key, property]) => [
    { path: [...prefix, key], schema: resolve(doc, property), required: object.required?.includes(key) ?? false },
    ...slotsOf(doc, property, [...prefix, key]),
  ]);
};

const at = (body: unknown, path: string[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], body);

/** The body with `value` at `path` (parents made as needed), or without it when `value` is undefined. */
const withValue = (body: unknown, path: string[], value: unknown): Record<string, unknown> => {
  const copy = structuredClone(body ?? {}) as Record<string, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = (parent[key] ??= {}) as Record<string, unknown>;
  if (value === undefined) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = value;
  return copy;
};

/** `path` (the route's path about real ids) with the parameter `param` written `value`, as it is sent. */
const withParam = (op: Operation, path: string, param: string, value: string): string => {
  const real = path.split('/');
  return op.path
    .split('/')
    .map((segment, i) => (segment === `{${param}}` ? value : real[i]))
    .join('/');
};

/** Stands for a value JSON.stringify cannot write (a 1e400, a 5,000-deep nesting) until the text is spliced. */
const RAW = '\u0001raw\u0001';
const splice = (body: unknown, raw: string): string => JSON.stringify(body).replace(JSON.stringify(RAW), raw);

const nested = (depth: number, array: boolean): string => (array ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

const WRONG_TYPES: unknown[] = [0, -1, 1.5, true, 'text', [], {}, null, [1, 'x'], { a: 1 }];
const BAD_CHARACTERS = ['\u0000', '\ud800', '\udfff', '\udbff', 'a\u0000', '\ud83d'];
const HUGE_NUMBERS = ['1e308', '-1e308', '18446744073709551616', '1e400', '-1e400', '123456789012345678901234567890'];
const BAD_CONTENT_TYPES = [
  'application/json;;;',
  'application/json; charset=utf-7',
  'application/json;charset',
  'application/json, text/html',
  ';application/json',
  'application/jsonp',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
];
const BAD_IDS = ['not-a-uuid', '%00', 'a%00b', '%ED%A0%80', '%FF', '..%2F..%2Fetc', '0', '%20', 'x'.repeat(3000), '00000000-0000-0000-0000-00000000000g'];
const MALFORMED_JSON = ['{', '{"a":', '[1,]', '{"a":1}}', 'nul', '{\'a\':1}', '{"a":1,}', '"\\ud800', '{"a" 1}', '\u0000'];
const LONG_HEADERS = ['x-user-id', 'x-causation-id', 'x-correlation-id', 'x-request-id', 'x-workspace-id'];

/**
 * The hostile requests of one command route, each its valid base request spoiled once: a wrong type,
 * a missing required field, an over-long or empty string, a NUL or lone surrogate in a value or a key, a
 * 5,000-deep nesting, a huge number, malformed JSON, a bad Content-Type, an oversized body, an
 * oversized Idempotency-Key or header, a bad id in the path. Only the spoilings the route's schema
 * admits are drawn; each makes the request one the route must refuse.
 */
export const hostileRequests = (doc: Document, base: Base): fc.Arbitrary<HostileRequest> => {
  const { op } = base;
  const headers = { ...base.headers, ...(op.body ? { 'content-type': 'application/json' } : {}) };
  const request = (kind: string, changes: Partial<HostileRequest> = {}): HostileRequest => ({
    kind,
    method: op.method.toUpperCase(),
    path: base.path,
    headers,
    ...(op.body ? { raw: JSON.stringify(base.body) } : {}),
    ...changes,
  });
  const body = (kind: string, value: Record<string, unknown>, raw?: string) => request(kind, { raw: raw ?? JSON.stringify(value) });
  const slots = op.body ? slotsOf(doc, op.body).filter((s) => s.path.length === 1 || at(base.body, s.path.slice(0, -1)) !== undefined) : [];
  const strings = slots.filter((s) => typesOf(doc, s.schema)?.has('string'));
  const freeForm = slots.filter((s) => !typesOf(doc, s.schema) || (s.schema.type === 'object' && !s.schema.properties));
  const numbers = slots.filter((s) => ['integer', 'number'].some((t) => typesOf(doc, s.schema)?.has(t)));
  const arbitraries: { arbitrary: fc.Arbitrary<HostileRequest>; weight: number }[] = [];
  const add = (weight: number, arbitrary: fc.Arbitrary<HostileRequest> | undefined) => arbitrary && arbitraries.push({ arbitrary, weight });
  const pick = <T>(items: T[]) => (items.length ? fc.constantFrom(...items) : undefined);
  const badString = fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...BAD_CHARACTERS), fc.string({ maxLength: 8 })).map(([a, c, b]) => `${a}${c}${b}`);

  const typed = slots.flatMap((s) => WRONG_TYPES.filter((v) => !admitsType(doc, s.schema, v)).map((v) => ({ s, v })));
  add(6, pick(typed)?.map(({ s, v }) => body(`wrong type at ${s.path.join('.')}`, withValue(base.body, s.path, v))));
  const enums = slots.filter((s) => s.schema.enum);
  add(2, pick(enums)?.map((s) => body(`not in enum at ${s.path.join('.')}`, withValue(base.body, s.path, `not-${String(s.schema.enum![0])}`))));
  const present = slots.filter((s) => s.required && at(base.body, s.path) !== undefined);
  add(4, pick(present)?.map((s) => body(`missing ${s.path.join('.')}`, withValue(base.body, s.path, undefined))));
  const bounded = strings.filter((s) => s.schema.maxLength !== undefined || (s.schema.minLength ?? 0) > 0);
  add(
    3,
    pick(bounded) &&
      fc.tuple(pick(bounded)!, fc.integer({ min: 1, max: 5000 })).map(([s, extra]) => {
        const value = s.schema.maxLength !== undefined ? 'x'.repeat(s.schema.maxLength + extra) : '';
        return body(`length ${value.length} at ${s.path.join('.')}`, withValue(base.body, s.path, value));
      }),
  );
  add(6, pick(strings) && fc.tuple(pick(strings)!, badString).map(([s, v]) => body(`bad character in ${s.path.join('.')}`, withValue(base.body, s.path, v))));
  add(
    6,
    pick(freeForm) &&
      fc.tuple(pick(freeForm)!, badString, fc.boolean()).map(([s, v, inKey]) =>
        body(`bad character in a ${inKey ? 'key' : 'value'} of ${s.path.join('.')}`, withValue(base.body, s.path, inKey ? { [v]: 'v' } : { k: v })),
      ),
  );
  if (op.body) {
    const deepAt = freeForm.length ? freeForm.map((s) => s.path) : [['nested']];
    add(
      4,
      fc.tuple(fc.constantFrom(...deepAt), fc.constantFrom(5000, 10_000), fc.integer({ min: 1000, max: 5000 }), fc.boolean(), fc.boolean()).map(([path, deep, depth, fixed, array]) => {
        const levels = fixed ? deep : depth;
        return body(`nesting ${levels} deep at ${path.join('.')}`, {}, splice(withValue(base.body, path, RAW), nested(levels, array)));
      }),
    );
    const numberAt = numbers.length ? numbers : strings;
    add(3, pick(numberAt) && fc.tuple(pick(numberAt)!, fc.constantFrom(...HUGE_NUMBERS)).map(([s, n]) => body(`number ${n} at ${s.path.join('.')}`, {}, splice(withValue(base.body, s.path, RAW), n))));
    add(3, fc.constantFrom(...MALFORMED_JSON).map((raw) => request(`malformed JSON ${JSON.stringify(raw)}`, { raw })));
    add(2, fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.boolean(), fc.array(fc.integer())).map((v) => request('a body that is not an object', { raw: JSON.stringify(v) })));
    add(5, fc.constantFrom(...BAD_CONTENT_TYPES).map((type) => request(`Content-Type ${type}`, { headers: { ...headers, 'content-type': type } })));
    // A little over the route's own limit (2 MiB, more for document routes): drawn rarely, for the time and memory it costs.
    const over = Math.ceil(op.bodyLimitBytes + 0.1 * 1024 * 1024);
    add(1, fc.constant(undefined).map(() => body(`a body over ${(op.bodyLimitBytes / 1024 / 1024).toFixed(0)} MiB`, withValue(base.body, ['padding'], 'x'.repeat(over)))));
  }
  if (op.headerParams.includes('idempotency-key')) {
    add(4, fc.integer({ min: 256, max: 8000 }).map((n) => request(`Idempotency-Key of ${n} characters`, { headers: { ...headers, 'idempotency-key': 'k'.repeat(n) } })));
  }
  add(
    4,
    fc.tuple(fc.constantFrom(...LONG_HEADERS), fc.integer({ min: 201, max: 8000 }), fc.boolean()).map(([name, n, spaced]) => {
      const value = spaced ? `a b${'c'.repeat(n)}` : 'h'.repeat(n);
      return request(`${name} of ${value.length} characters${spaced ? ' with a space' : ''}`, { headers: { ...headers, [name]: value } });
    }),
  );
  if (op.pathParams.length) {
    add(
      5,
      fc.tuple(fc.constantFrom(...op.pathParams), fc.constantFrom(...BAD_IDS)).map(([param, id]) =>
        request(`bad ${param} ${id.slice(0, 40)}`, { path: withParam(op, base.path, param, id) }),
      ),
    );
  }
  return fc.oneof(...arbitraries);
};

/** What PostgreSQL cannot store, percent-encoded for a URL: a NUL (a lone surrogate cannot survive the decoding). */
const BAD_IN_URL = ['%00', 'a%00b', '%00%00', 'x'.repeat(20) + '%00'];

/**
 * The hostile requests of one GET route: a NUL in each free-text filter (`/sessions?user_id=%00`) and
 * in each path parameter (`/streams/a%00b`). A read appends nothing, so only the answer is judged.
 */
export const hostileReads = (doc: Document, op: Operation, path: string, headers: Record<string, string>): fc.Arbitrary<HostileRequest> | undefined => {
  const filters = op.queryParams.filter((p) => p.schema && typesOf(doc, p.schema)?.has('string') && !resolve(doc, p.schema).enum);
  const choices = [...filters.map((p) => ({ query: p.name })), ...op.pathParams.map((p) => ({ param: p }))];
  if (!choices.length) return undefined;
  return fc.tuple(fc.constantFrom(...choices), fc.constantFrom(...BAD_IN_URL)).map(([choice, bad]) => {
    const url = 'query' in choice ? `${path}?${choice.query}=${bad}` : withParam(op, path, choice.param, bad);
    return { kind: `NUL in ${'query' in choice ? `?${choice.query}` : choice.param}`, method: 'GET', path: url, headers };
  });
};
