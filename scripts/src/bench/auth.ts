import type { Pool } from '@agent-platform/infra';
import { createBenchDatabase } from './database.js';
import { measure, type Cell, type Timing } from './measure.js';
import { startServerProcess } from './serverProcess.js';
import { formatTable } from './table.js';

export type AuthBench = { rows: { label: string; cells: Cell[] }[] };

const post = async (url: string, path: string, body: unknown): Promise<{ id: string; position: number }> => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as { id: string; position: number };
};

/** A user holding `roles` roles, the last of which alone grants `agent:*`: a check reads the user's stream and every role's. */
const userWith = async (url: string, name: string, roles: number) => {
  const user = await post(url, '/auth/users', { username: name });
  for (let i = 0; i < roles; i++) {
    const permissions = i === roles - 1 ? ['agent:*'] : [`other${i}:read`];
    const role = await post(url, '/auth/roles', { code: `${name}_role_${i}`, name: `Role ${i}`, permissions_json: permissions });
    await post(url, '/auth/assignments', { user_id: user.id, role_id: role.id });
  }
  return user.id;
};

/**
 * `POST /auth/permissions/check` through the all-in-one server, decided on the streams (the user's, and
 * one per role it holds), beside `GET /auth/users/:id`, one read of the read model with the same roles.
 */
export const measureAuth = async (admin: Pool, serverUrl: string, concurrencies: readonly number[], timing: Timing): Promise<AuthBench> => {
  const database = await createBenchDatabase(admin, serverUrl);
  const server = await startServerProcess({ AGENT_PLATFORM_DATABASE_URL: database.url });
  try {
    const { url } = server;
    const one = await userWith(url, 'one', 1);
    const five = await userWith(url, 'five', 5);
    const check = (user: string) => async () => {
      const response = await fetch(`${url}/auth/permissions/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_id: user, permission: 'agent:write' }),
      });
      const body = (await response.json()) as { allowed?: boolean };
      if (response.status !== 200 || body.allowed !== true) throw new Error(`the check answered ${response.status}: ${JSON.stringify(body)}`);
    };
    const read = (user: string) => async () => {
      const response = await fetch(`${url}/auth/users/${user}`);
      await response.text();
      if (response.status !== 200) throw new Error(`GET /auth/users/:id answered ${response.status}`);
    };
    const contenders = [
      { label: 'POST /auth/permissions/check, 1 role', op: check(one) },
      { label: 'POST /auth/permissions/check, 5 roles', op: check(five) },
      { label: 'GET /auth/users/:id (read model), 5 roles', op: read(five) },
    ];
    const rows = contenders.map((c) => ({ label: c.label, cells: [] as Cell[] }));
    for (const concurrency of concurrencies) {
      for (const [i, contender] of contenders.entries()) {
        console.error(`measuring ${contender.label} with ${concurrency} clients`);
        rows[i]!.cells.push(await measure(concurrency, timing, () => contender.op));
      }
    }
    return { rows };
  } finally {
    await server.stop();
    await database.drop();
  }
};

export const formatAuthReport = (bench: AuthBench, timing: Timing): string => {
  const columns = [
    { title: 'request', align: 'left' as const },
    { title: 'clients', align: 'right' as const },
    { title: 'req/s', align: 'right' as const },
    { title: 'p50 ms', align: 'right' as const },
    { title: 'p99 ms', align: 'right' as const },
  ];
  const rows = bench.rows.flatMap((row) => row.cells.map((c) => [row.label, String(c.concurrency), c.opsPerSecond.toFixed(0), c.p50Ms.toFixed(2), c.p99Ms.toFixed(2)]));
  return [`Permission checks (all-in-one server, ${timing.durationMs / 1000} s per cell)`, '', formatTable(columns, rows)].join('\n');
};
