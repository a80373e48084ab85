/** Deeper input (a request, a tool's answer) serves nothing, and recursive code after this check (zod, `JSON.stringify`) would overflow its stack on it. */
export const MAX_INPUT_DEPTH = 64;
/** Enough to show a client what to fix; bad input is never walked twice to list the rest. */
const MAX_ISSUES = 20;

// Without the `u` flag a regular expression sees UTF-16 code units, so it can see a surrogate alone.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What PostgreSQL cannot store: a NUL, or a lone surrogate. */
const UNSTORABLE = new RegExp(`\\0|${LONE_SURROGATE.source}`);
const UNSTORABLE_CHARACTER = new RegExp(UNSTORABLE.source, 'g');

/**
 * What PostgreSQL cannot store in text or jsonb, said of one string: a NUL, or a lone UTF-16 surrogate
 * (which is not Unicode, and which jsonb refuses as an escape).
 */
const flaw = (text: string): string | undefined => {
  if (!UNSTORABLE.test(text)) return undefined; // one pass over the common, clean string; the rest says which flaw
  if (text.includes('\0')) return 'holds a NUL character (U+0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'holds a lone UTF-16 surrogate, which is not Unicode and cannot be stored';
  return undefined;
};

/** A key as a field name shows: its unstorable characters as `\uXXXX`, so the name itself can be read, logged and stored. */
const printable = (key: string): string =>
  key.replace(UNSTORABLE_CHARACTER, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

type Node = { value: object; depth: number; parent?: Node; key?: string };

const pathOf = (node: Node | undefined, last?: string): string[] => {
  const keys = last === undefined ? [] : [printable(last)];
  for (let n = node; n?.key !== undefined; n = n.parent) keys.push(printable(n.key));
  return keys.reverse();
};

export type UnstorableIssue = { path: string[]; message: string };

/**
 * Every string (value or key) that PostgreSQL could not store, and every container nested deeper than
 * `MAX_INPUT_DEPTH`, each with its path (`['metadata_json', 'a\\u0000b']`). It walks with a stack of its
 * own, not by recursion: it runs on parsed JSON before anything recursive does. Only containers go on
 * the stack, so a 2 MB array of numbers costs one pass over it.
 */
export const unstorableIssues = (input: unknown): UnstorableIssue[] => {
  if (typeof input === 'string') {
    const message = flaw(input);
    return message ? [{ path: [], message }] : [];
  }
  if (input === null || typeof input !== 'object') return [];
  const issues: UnstorableIssue[] = [];
  const pending: Node[] = [{ value: input, depth: 0 }];
  while (pending.length > 0 && issues.length < MAX_ISSUES) {
    const node = pending.pop()!;
    if (node.depth >= MAX_INPUT_DEPTH) {
      issues.push({ path: pathOf(node), message: `nests deeper than ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    const record = node.value as Record<string, unknown>;
    const keys = Array.isArray(record) ? undefined : Object.keys(record);
    const count = keys ? keys.length : (record as unknown as unknown[]).length;
    const first = pending.length;
    for (let i = 0; i < count; i++) {
      const key = keys ? keys[i]! : undefined;
      const keyFlaw = key === undefined ? undefined : flaw(key);
      if (keyFlaw) {
        issues.push({ path: pathOf(node, key), message: `is a key that ${keyFlaw}` });
        continue;
      }
      // An index becomes a string only when a path needs it: most elements are numbers, not containers.
      const child = key === undefined ? (record as unknown as unknown[])[i] : record[key];
      if (typeof child === 'string') {
        const message = flaw(child);
        if (message) issues.push({ path: pathOf(node, key ?? String(i)), message });
      } else if (child !== null && typeof child === 'object') {
        pending.push({ value: child, depth: node.depth + 1, parent: node, key: key ?? String(i) });
      }
    }
    // The children were pushed first to last; reversed in place, they are visited in the order they were sent.
    for (let a = first, b = pending.length - 1; a < b; a++, b--) [pending[a], pending[b]] = [pending[b]!, pending[a]!];
  }
  return issues.slice(0, MAX_ISSUES);
};

/** A text to record as it is but for what PostgreSQL cannot store, each such character made U+FFFD: for messages quoting outside bytes. */
export const storableText = (text: string): string => text.replace(UNSTORABLE_CHARACTER, '\uFFFD');
