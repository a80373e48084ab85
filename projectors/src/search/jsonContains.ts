type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: unknown): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

const contains = (value: Json, pattern: Json, top: boolean): boolean => {
  if (Array.isArray(pattern)) return Array.isArray(value) && pattern.every((p) => value.some((v) => contains(v, p, false)));
  if (isObject(pattern)) return isObject(value) && Object.entries(pattern).every(([key, p]) => key in value && contains(value[key]!, p, false));
  // PostgreSQL's one exception: at the top level only, an array contains a scalar it holds.
  if (top && Array.isArray(value)) return value.some((v) => v === pattern);
  return value === pattern;
};

/**
 * PostgreSQL's `jsonb @>` in JavaScript, for a search that filters in memory what the SQL path filters
 * with `metadata_json @> filter`: objects contain the keys given, recursively; arrays contain every element
 * given, in any order, each matched by some element; scalars are equal. Checked against PostgreSQL itself
 * (jsonContains.int.spec.ts).
 */
export const jsonContains = (value: unknown, pattern: unknown): boolean => contains(value as Json, pattern as Json, true);
