import { SECRET_REFERENCE } from '@agent-platform/contracts';
import { hostAllowed, SECRET_PREFIX, workspaceAllowed, type SecretBinding } from '@agent-platform/infra';

export type Sending = { headers: Record<string, string> } | { error: { code: 'TOOL_SECRET_MISSING' | 'TOOL_SECRET_NOT_ALLOWED'; message: string } };

/**
 * A tool's headers as they are sent: each `${secret:NAME}` replaced by the secret, which exists only in
 * the worker's environment, never in events, read models or logs. A secret is sent only for a workspace
 * and to a host it is bound to; otherwise the call fails before anything is sent. The errors name the
 * secret, the workspace and the host, never the value nor whom else the secret is bound to.
 */
export const withSecrets = (
  headers: Record<string, string>,
  secrets: ReadonlyMap<string, SecretBinding>,
  to: { workspaceId: string; url: string },
): Sending => {
  const sent: Record<string, string> = {};
  let error: Extract<Sending, { error: unknown }>['error'] | undefined;
  const refuse = (code: 'TOOL_SECRET_MISSING' | 'TOOL_SECRET_NOT_ALLOWED', message: string) => {
    error ??= { code, message };
    return '';
  };
  const hostname = URL.canParse(to.url) ? new URL(to.url).hostname : undefined;
  for (const [name, value] of Object.entries(headers)) {
    sent[name] = value.replace(new RegExp(SECRET_REFERENCE.source, 'g'), (_, secret: string) => {
      const binding = secrets.get(secret);
      const variable = `${SECRET_PREFIX}${secret}`;
      if (!binding) return refuse('TOOL_SECRET_MISSING', `\${secret:${secret}} is not set: set ${variable} where the platform runs`);
      if (!workspaceAllowed(binding, to.workspaceId)) {
        return refuse('TOOL_SECRET_NOT_ALLOWED', `\${secret:${secret}} is not bound to workspace ${to.workspaceId} (${variable}_WORKSPACES)`);
      }
      if (hostname === undefined || !hostAllowed(binding, hostname)) {
        return refuse('TOOL_SECRET_NOT_ALLOWED', `\${secret:${secret}} is not bound to host ${hostname ?? '(the tool URL is not valid)'} (${variable}_HOSTS)`);
      }
      return binding.value;
    });
  }
  return error ? { error } : { headers: sent };
};
