import { createHash } from 'node:crypto';
import { dataKeyOf, KEY_BYTES, materialOf, type DataKey } from './dataKey.js';
import { DataKeyCorrupt, MasterKeyMissing } from './errors.js';
import { associatedData, decrypt, encrypt, GCM_IV_BYTES, GCM_TAG_BYTES } from './gcm.js';

/** A key-encryption key, known by an id derived from it; its bytes are kept out of the object, as a data key's. */
export type MasterKey = { readonly id: string };

/** The master key new data keys are wrapped under, and the older ones still needed to unwrap keys not yet re-wrapped. */
export type Keyring = { readonly current: MasterKey; readonly previous: readonly MasterKey[] };

const materials = new WeakMap<MasterKey, Buffer>();

/** The id names the key without revealing it (a hash of a random 256-bit key), so it can be stored beside each wrapped key. */
export const masterKeyOf = (material: Buffer): MasterKey => {
  if (material.length !== KEY_BYTES) throw new RangeError(`a master key has ${KEY_BYTES} bytes`);
  const id = `mk_${createHash('sha256').update('agent-platform master key id\0').update(material).digest('hex').slice(0, 16)}`;
  const key = Object.freeze({ id });
  materials.set(key, Buffer.from(material));
  return key;
};

export const keyringOf = (current: Buffer, previous: readonly Buffer[] = []): Keyring => ({
  current: masterKeyOf(current),
  previous: previous.map(masterKeyOf),
});

const masterKeyWithId = (keyring: Keyring, id: string): MasterKey | undefined =>
  [keyring.current, ...keyring.previous].find((key) => key.id === id);

/** A data key as stored: the master key's id, and nonce, ciphertext and tag in one value. */
export type WrappedKey = { kekId: string; wrapped: Buffer };

/** The wrapping is bound to the row's names: a wrapped key copied to another subject's row does not unwrap. */
const wrappingAad = (names: DataKey): Buffer => associatedData('agent-platform/data-key/v1', names.workspaceId, names.subject, names.keyId);

export const wrapKey = (keyring: Keyring, key: DataKey): WrappedKey => {
  const { iv, ct, tag } = encrypt(materials.get(keyring.current)!, materialOf(key), wrappingAad(key));
  return { kekId: keyring.current.id, wrapped: Buffer.concat([iv, ct, tag]) };
};

export const unwrapKey = (keyring: Keyring, names: DataKey, stored: WrappedKey): DataKey => {
  const master = masterKeyWithId(keyring, stored.kekId);
  if (!master) throw new MasterKeyMissing(stored.kekId);
  const { wrapped } = stored;
  const parts = {
    iv: wrapped.subarray(0, GCM_IV_BYTES),
    ct: wrapped.subarray(GCM_IV_BYTES, wrapped.length - GCM_TAG_BYTES),
    tag: wrapped.subarray(wrapped.length - GCM_TAG_BYTES),
  };
  const material = decrypt(materials.get(master)!, parts, wrappingAad(names));
  if (!material || material.length !== KEY_BYTES) throw new DataKeyCorrupt(names.subject);
  return dataKeyOf(names, material);
};
