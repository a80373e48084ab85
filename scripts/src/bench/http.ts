import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { measure, type Cell, type Timing } from './measure.js';
import { START_SCRIPT, startServerProcess } from './serverProcess.js';

export type HttpOutcome = { cell: Cell } | { notMeasured: string };

const OPEN_SESSION = JSON.stringify({ app_id: 'app-1', user_id: 'user-1', channel_type: 'web' });

/**
 * The whole command path of the all-in-one server (HTTP, validation, decider, append) as a client
 * sees it. The server may not exist yet or may fail to start; that is reported, not thrown, so the
 * rest of the bench still counts.
 */
export const measureHttp = async (databaseUrl: string, clients: number, timing: Timing): Promise<HttpOutcome> => {
  if (!existsSync(START_SCRIPT)) return { notMeasured: `${relative(process.cwd(), START_SCRIPT)} does not exist` };
  let server;
  try {
    server = await startServerProcess({ AGENT_PLATFORM_DATABASE_URL: databaseUrl });
    const { url } = server;
    const cell = await measure(clients, timing, () => async () => {
      const response = await fetch(`${url}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: OPEN_SESSION,
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`POST /sessions answered ${response.status}: ${body.slice(0, 200)}`);
    });
    return { cell };
  } catch (error) {
    return { notMeasured: error instanceof Error ? error.message : String(error) };
  } finally {
    await server?.stop();
  }
};
