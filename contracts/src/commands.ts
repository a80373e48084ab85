import { z } from 'zod';

/**
 * A command as a decider takes it: a type and its data. Commands are zod schemas like events, so a
 * command's type is inferred from one definition; they are built in-process (from a parsed HTTP body
 * or by a processor), so nothing parses them again on the way to the decider.
 */
export const defineCommand = <Type extends string, Data extends z.ZodType>(type: Type, data: Data) =>
  z.object({ type: z.literal(type), data });
