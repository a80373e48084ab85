/** Deeper input serves no route, and recursive code after this check (zod, `JSON.stringify`) would overflow its stack on it. */
export const MAX_INPUT_DEPTH = 64;
/** Enough to show a client what to fix; bad input is never walked twice to list the rest. */
const MAX_ISSUES = 20;

// Without the `u` flag a regular expression sees UTF-16 code units, so it can see a surrogate alone.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_CHARACTER = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * What PostgreSQL cannot store in text or jsonb, said of one string: a NUL, or a lone UTF-16 surrogate
 * (which is not Unicode, and which jsonb refuses as an escape).
 */
const flaw = (text: string): string | undefined => {
  if (text.includes('\0')) return 'holds a NUL character (U+0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'holds a lone UTF-16 surrogate, which is not Unicode and cannot be stored';
  return undefined;
};

/** A key as a field name shows: its unstorable characters as `\uXXXX`, so the name itself can be read, logged and stored. */
const printable = (key: string): string =>
  key.replace(UNSTORABLE_CHARACTER, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

type Node = { value: unknown; depth: number; parent?: Node; key?: string };

const pathOf = (node: Node): string[] => {
  const keys: string[] = [];
  for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.push(printable(n.key));
  return keys.reverse();
};

export type UnstorableIssue = { path: string[]; message: string };

/**
 * Every string (value or key) that PostgreSQL could not store, and every container nested deeper than
 * `MAX_INPUT_DEPTH`, each with its path (`['metadata_json', 'a\\u0000b']`). It walks with a stack of its
 * own, not by recursion: it runs on parsed JSON before anything recursive does.
 */
export const unstorableIssues = (input: unknown): UnstorableIssue[] => {
  const issues: UnstorableIssue[] = [];
  const pending: Node[] = [{ value: input, depth: 0 }];
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const node = pending.pop()!;
    const { value } = node;
    if (typeof value === 'string') {
      const message = flaw(value);
      if (message) issues.push({ path: pathOf(node), message });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (node.depth >= MAX_INPUT_DEPTH) {
      issues.push({ path: pathOf(node), message: `nests deeper than ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const childNode = { value: child, depth: node.depth + 1, parent: node, key };
      const keyFlaw = Array.isArray(value) ? undefined : flaw(key);
      if (keyFlaw) issues.push({ path: pathOf(childNode), message: `is a key that ${keyFlaw}` });
      else pending.push(childNode);
    }
  }
  return issues.slice(0, MAX_ISSUES);
};
