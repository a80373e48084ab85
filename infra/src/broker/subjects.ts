/**
 * NATS subject matching, shared by the adapters that filter on their own: tokens are separated by
 * `.`, `*` matches one token and a final `>` matches one or more.
 */
export const subjectMatches = (pattern: string, subject: string): boolean => {
  const want = pattern.split('.');
  const have = subject.split('.');
  for (const [i, token] of want.entries()) {
    if (token === '>' && i === want.length - 1) return have.length > i;
    if (i >= have.length || (token !== '*' && token !== have[i])) return false;
  }
  return want.length === have.length;
};

export const matchesAny = (patterns: readonly string[]) => (subject: string) => patterns.some((p) => subjectMatches(p, subject));
