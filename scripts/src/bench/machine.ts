import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { Pool } from '@agent-platform/infra';

const cpuModel = async (): Promise<string> => {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
};

const setting = async (pool: Pool, name: string): Promise<string> =>
  (await pool.query<{ value: string }>('SELECT current_setting($1) AS value', [name])).rows[0]!.value;

/** The machine alone, for the parts that use no database (the code runner's). */
export const describeHost = async (): Promise<string[]> => [
  `CPU:         ${await cpuModel()}, ${os.availableParallelism()} cores`,
  `Memory:      ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  `Load:        1-min load average ${os.loadavg()[0]!.toFixed(2)} before the run`,
  `Node:        ${process.version}`,
];

/**
 * Figures mean little without the machine, and durability settings decide the commit cost. The load
 * average shows whether other processes shared the CPU with the run.
 */
export const describeMachine = async (admin: Pool, serverUrl: string): Promise<string[]> => {
  const [version, synchronousCommit, fsync] = await Promise.all(
    ['server_version', 'synchronous_commit', 'fsync'].map((name) => setting(admin, name)),
  );
  return [
    ...(await describeHost()),
    `PostgreSQL:  ${version} at ${new URL(serverUrl).host}`,
    `Durability:  synchronous_commit=${synchronousCommit}, fsync=${fsync}`,
  ];
};
