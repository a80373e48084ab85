import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/**
 * Content sealed under its subject's data key (AES-256-GCM, infra's `sealContent`): what an event stores
 * in place of personal content (a memory's text, a document's), so that destroying the key erases it
 * from the log for good (crypto-shredding, docs/erasure.md).
 */
export const SealedContent = z.object({
  alg: z.literal('A256GCM'),
  /** The data key's id, so a reader can tell a key that is not the one the content was sealed under. */
  key_id: z.string().min(1),
  iv: base64,
  ct: base64,
  tag: base64,
});
export type SealedContent = z.infer<typeof SealedContent>;
