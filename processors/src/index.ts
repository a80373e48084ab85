import type { Logger } from '@agent-platform/infra';

/**
 * Reactions to events (agent runs, tools, schedules) run here. The broker-backed processor runtime
 * arrives with the broker issue; until then the role starts and reports that it has nothing to run.
 */
export const startProcessors = (log: Logger): { stop: () => Promise<void> } => {
  log.info('processors role: no processors are registered yet');
  return { stop: async () => undefined };
};
