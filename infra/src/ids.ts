import { createHash } from 'node:crypto';

/**
 * A uuid (version 8, RFC 9562: vendor-defined) derived from its parts, so every process that handles the
 * same thing names it the same: a dead letter per (group, event), a command id per (group, event, step).
 */
export const uuidFrom = (...parts: string[]): string => {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
