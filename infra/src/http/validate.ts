import type { z } from 'zod';
import { ValidationError } from '@agent-platform/contracts';
import { unstorableIssues } from '../storable.js';

export type InputLocation = 'body' | 'query' | 'params' | 'headers';

/** A header is named as it is sent (`idempotency-key`), like `x-workspace-id`; other input by where it is (`body.app_id`). */
const fieldOf = (location: InputLocation, path: readonly PropertyKey[]): string =>
  (location === 'headers' ? path.map(String) : [location, ...path.map(String)]).join('.');

/**
 * Parses input with its schema; every problem names its field, e.g. `body.app_id`. Input that no
 * store could keep (a NUL, a lone surrogate, nesting past the bound) is refused first, by an iterative
 * walk, so that no schema or route ever sees it and no recursion meets a deep value.
 */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown, location: InputLocation): z.infer<S> => {
  const unstorable = unstorableIssues(input);
  if (unstorable.length > 0) throw new ValidationError(unstorable.map(({ path, message }) => ({ field: fieldOf(location, path), message })));
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((issue) => ({ field: fieldOf(location, issue.path), message: issue.message })));
};
