import { StartupError } from '@agent-platform/infra';

/** Ends a command-line script that failed: one line for what the operator can fix, the whole error otherwise. */
export const exitOnError = (error: unknown): never => {
  if (error instanceof StartupError) console.error(`agent-platform: ${error.message}`);
  else console.error('agent-platform failed:', error);
  process.exit(1);
};
