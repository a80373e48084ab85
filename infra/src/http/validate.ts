import type { z } from 'zod';
import { ValidationError } from '@agent-platform/contracts';

export type InputLocation = 'body' | 'query' | 'params' | 'headers';

/** Parses input with its schema; every problem names its field, e.g. `body.app_id`. */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown, location: InputLocation): z.infer<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: [location, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
};
