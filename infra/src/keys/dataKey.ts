import { randomBytes } from 'node:crypto';

/** 256-bit keys for AES-256-GCM. */
export const KEY_BYTES = 32;

const materials = new WeakMap<DataKey, Buffer>();

/**
 * A subject's data key. Its bytes are kept out of the object (a WeakMap, read by the cipher), so logging
 * or serialising a key shows its names and never its material.
 */
export type DataKey = { readonly workspaceId: string; readonly subject: string; readonly keyId: string };

export const dataKeyOf = (names: DataKey, material: Buffer): DataKey => {
  if (material.length !== KEY_BYTES) throw new RangeError(`a data key has ${KEY_BYTES} bytes`);
  const key = Object.freeze({ workspaceId: names.workspaceId, subject: names.subject, keyId: names.keyId });
  materials.set(key, material);
  return key;
};

/** The key's bytes; for the cipher and the wrapping only. */
export const materialOf = (key: DataKey): Buffer => {
  const material = materials.get(key);
  if (!material) throw new TypeError('not a data key made by dataKeyOf');
  return material;
};

export const newKeyId = (): string => `dk_${randomBytes(16).toString('base64url')}`;
export const newKeyMaterial = (): Buffer => randomBytes(KEY_BYTES);
