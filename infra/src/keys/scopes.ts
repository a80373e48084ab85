import { DataKeyScopesDiffer } from './errors.js';

/** Scopes compare as sets: the order a caller lists them in does not make another key. */
export const normalScopes = (scopes: readonly string[]): string[] => [...new Set(scopes)].sort();

export const requireSameScopes = (subject: string, stored: readonly string[], asked: readonly string[]): void => {
  const a = normalScopes(stored);
  const b = normalScopes(asked);
  if (a.length !== b.length || a.some((scope, i) => scope !== b[i])) throw new DataKeyScopesDiffer(subject);
};
