import { z } from 'zod';
import type { DataKey } from './dataKey.js';

/** `kind:id`, such as `memory:<id>` or `document:<id>`: the kind is what a scope destroy selects on. */
const SUBJECT = /^[a-z][a-z0-9_-]{0,62}:\S{1,400}$/;
/** `type:id`, such as `user:u1` or `kb:<id>`: compared whole, so `user:u1` never matches `user:u10`. */
const SCOPE = /^[a-z][a-z0-9_-]{0,62}:\S{1,400}$/;

export const DataKeyRef = z.object({ workspaceId: z.string().min(1).max(200), subject: z.string().regex(SUBJECT) });
/** Which key: one per subject in a workspace, for good. */
export type DataKeyRef = z.infer<typeof DataKeyRef>;

export const NewDataKey = DataKeyRef.extend({ scopes: z.array(z.string().regex(SCOPE)).max(16).readonly() });
/** A key's scopes are fixed when it is made: the groups it is destroyed with (every memory of `user:u1`, say). */
export type NewDataKey = z.infer<typeof NewDataKey>;

export const DataKeyScope = z.object({
  workspaceId: z.string().min(1).max(200),
  /** The subjects' kind, `memory` for `memory:<id>`: a user's memories go, their documents stay. */
  kind: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/),
  scope: z.string().regex(SCOPE),
});
export type DataKeyScope = z.infer<typeof DataKeyScope>;

/** The kind of a subject, the part before its first colon. */
export const kindOf = (subject: string): string => subject.slice(0, subject.indexOf(':'));

export type DestroyedKey = { subject: string; destroyedAt: string };

/** What a reader finds: a live key, a key destroyed (the content is erased), or no key ever made. */
export type KeyLookup =
  | { state: 'live'; key: DataKey }
  | { state: 'destroyed'; destroyedAt: string }
  | { state: 'unknown' };

/**
 * Per-subject data keys kept outside the event log, wrapped under a master key (crypto-shredding):
 * content in events is sealed under its subject's key, and destroying the key erases the content
 * wherever the log was copied. A destroyed key stays a tombstone, so readers tell erased from unknown.
 */
export interface DataKeys {
  /**
   * The subject's key, made on the first call and the same on every later one, so a retried command seals
   * under the key it used before. Refused with `DataKeyDestroyed` once destroyed (an erased subject never
   * gets a key again) and with `DataKeyScopesDiffer` when asked for other scopes than it was made with.
   */
  createKey(key: NewDataKey): Promise<DataKey>;
  getKey(ref: DataKeyRef): Promise<KeyLookup>;
  /**
   * Destroys the subject's key; idempotent, and the first destroy's time is kept. A subject that had no key
   * gets a tombstone too, so no key can be made for it afterwards.
   */
  destroyKey(ref: DataKeyRef): Promise<{ destroyedAt: string }>;
  /** Destroys every live key of that kind tagged with that scope in that workspace, and nothing else. */
  destroyScope(scope: DataKeyScope): Promise<{ destroyed: DestroyedKey[] }>;
  /** Re-wraps live keys wrapped under an older master key with the current one; see docs/erasure.md. */
  rewrapKeys(options?: { batchSize?: number }): Promise<{ rewrapped: number }>;
}
