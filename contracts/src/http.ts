import { z } from 'zod';

/** A character of an HTTP token (RFC 9110 §5.6.2): what header names, media types and their parameters are made of. */
export const HTTP_TOKEN_CHARACTER = "[!#$%&'*+.^_`|~0-9A-Za-z-]";

/** What every accepted command answers: the id it created or changed and the global position of its last event. */
export const CommandAccepted = z.object({
  id: z.string(),
  position: z.number().int().nonnegative(),
});
export type CommandAccepted = z.infer<typeof CommandAccepted>;

/** RFC 9457 problem details, with the failing fields named. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string(),
  request_id: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });
