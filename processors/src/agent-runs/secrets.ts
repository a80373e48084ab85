import { SECRET_REFERENCE } from '@agent-platform/contracts';

/**
 * A tool's headers as they are sent: each `${secret:NAME}` replaced by the secret, which exists only in
 * the worker's environment, never in events, read models or logs. A secret the worker lacks is named.
 */
export const withSecrets = (
  headers: Record<string, string>,
  secrets: ReadonlyMap<string, string>,
): { headers: Record<string, string> } | { missing: string } => {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    let missing: string | undefined;
    sent[name] = value.replace(new RegExp(SECRET_REFERENCE.source, 'g'), (_, secret: string) => {
      const found = secrets.get(secret);
      if (found === undefined) missing ??= secret;
      return found ?? '';
    });
    if (missing) return { missing };
  }
  return { headers: sent };
};
