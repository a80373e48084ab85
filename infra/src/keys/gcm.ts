import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a random 96-bit nonce per message and the full 128-bit tag. */
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

/** Associated data: encoded as a JSON array, so no two lists of strings encode alike. */
export const associatedData = (...parts: readonly string[]): Buffer => Buffer.from(JSON.stringify(parts), 'utf8');

export const encrypt = (key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; ct: Buffer; tag: Buffer } => {
  const iv = randomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
};

/** The plaintext, or undefined when the message does not authenticate under this key and associated data. */
export const decrypt = (key: Buffer, parts: { iv: Buffer; ct: Buffer; tag: Buffer }, aad: Buffer): Buffer | undefined => {
  if (parts.iv.length !== GCM_IV_BYTES || parts.tag.length !== GCM_TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(parts.tag);
  try {
    return Buffer.concat([decipher.update(parts.ct), decipher.final()]);
  } catch {
    return undefined;
  }
};
