import type { SealedContent } from '@agent-platform/contracts';
import { materialOf, type DataKey } from './dataKey.js';
import { associatedData, decrypt, encrypt } from './gcm.js';
import type { KeyLookup } from './port.js';

/**
 * What opening finds. `erased` is the normal end of content whose key was destroyed; `unreadable` is a fault
 * (no key was ever made, another subject's key, or altered bytes) that a reader should report, not show.
 */
export type OpenedContent =
  | { status: 'opened'; content: unknown }
  | { status: 'erased'; erasedAt: string }
  | { status: 'unreadable'; reason: 'no_key' | 'wrong_key' | 'tampered' };

/**
 * Binds the ciphertext to its workspace, subject and key: content copied into another subject's event, or
 * another workspace's, fails to open even under the same key bytes.
 */
const contentAad = (key: DataKey): Buffer => associatedData('agent-platform/sealed-content/v1', key.workspaceId, key.subject, key.keyId);

/** Seals a string or any JSON value; `openContent` gives it back as it went in. */
export const sealContent = (key: DataKey, content: unknown): SealedContent => {
  const json = JSON.stringify(content);
  if (json === undefined) throw new TypeError('only a string or a JSON value can be sealed');
  const { iv, ct, tag } = encrypt(materialOf(key), Buffer.from(json, 'utf8'), contentAad(key));
  return { alg: 'A256GCM', key_id: key.keyId, iv: iv.toString('base64'), ct: ct.toString('base64'), tag: tag.toString('base64') };
};

/** Opens sealed content with what `DataKeys.getKey` found for its subject. */
export const openContent = (lookup: KeyLookup, sealed: SealedContent): OpenedContent => {
  if (lookup.state === 'destroyed') return { status: 'erased', erasedAt: lookup.destroyedAt };
  if (lookup.state === 'unknown') return { status: 'unreadable', reason: 'no_key' };
  const { key } = lookup;
  if (sealed.key_id !== key.keyId) return { status: 'unreadable', reason: 'wrong_key' };
  const parts = { iv: Buffer.from(sealed.iv, 'base64'), ct: Buffer.from(sealed.ct, 'base64'), tag: Buffer.from(sealed.tag, 'base64') };
  const plaintext = decrypt(materialOf(key), parts, contentAad(key));
  if (!plaintext) return { status: 'unreadable', reason: 'tampered' };
  return { status: 'opened', content: JSON.parse(plaintext.toString('utf8')) };
};
