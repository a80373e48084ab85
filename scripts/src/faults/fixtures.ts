import type { Context } from 'mocha';
import type { Knex } from '@agent-platform/infra';
import { mustRunEverySuite, natsServerInstalled, NATS_SERVER_BINARY } from '@agent-platform/infra/testing';
import { ENTRY_POINT, PROCESSOR_CHILD, killAllChildren, spawnTs, type Child } from './children.js';
import type { EffectMode } from './faultProcessor.js';

/**
 * The fault tests start and stop a NATS server of their own (never the machine's on 4222). Without the
 * binary they are pending, except in CI, where that fails the run.
 */
export const requirePrivateNats = (ctx: Context): void => {
  if (natsServerInstalled()) return;
  if (mustRunEverySuite()) throw new Error(`${NATS_SERVER_BINARY} is not installed; the fault tests need it`);
  ctx.skip();
};

/** What a test started, stopped in reverse order after it, whatever happened; children are killed first. */
export const cleanups = () => {
  const steps: (() => Promise<unknown>)[] = [];
  return {
    add: (step: () => Promise<unknown>) => void steps.push(step),
    run: async () => {
      const errors: unknown[] = [];
      await killAllChildren().catch((error: unknown) => errors.push(error));
      for (const step of steps.splice(0).reverse()) await step().catch((error: unknown) => errors.push(error));
      if (errors.length) throw errors[0];
    },
  };
};

/**
 * The platform (`npm start`) in a child process on a free port of 127.0.0.1, killed after the test, once it
 * listens: the process a kill test kills, with the URL it serves.
 */
export const startPlatformChild = async (after: ReturnType<typeof cleanups>, name: string, env: Record<string, string>): Promise<{ child: Child; url: string }> => {
  const child = spawnTs(name, ENTRY_POINT, [], { AGENT_PLATFORM_PORT: '0', AGENT_PLATFORM_HOST: '127.0.0.1', ...env });
  after.add(() => child.kill());
  await child.waitForOutput(/listening on http/);
  return { child, url: child.logLines().find((line) => typeof line.url === 'string')!.url as string };
};

export type MemberOptions = {
  databaseUrl: string;
  natsUrl: string;
  group: string;
  types: readonly string[];
  mode: EffectMode;
  ackWaitMs: number;
  concurrency?: number;
};

/** A processor member in a child process (`processorChild.ts`), once it consumes. */
export const startProcessorMember = async (name: string, options: MemberOptions): Promise<Child> => {
  const child = spawnTs(
    name,
    PROCESSOR_CHILD,
    [
      ...['--group', options.group, '--types', options.types.join(','), '--mode', options.mode],
      ...['--ack-wait-ms', String(options.ackWaitMs), '--concurrency', String(options.concurrency ?? 8)],
    ],
    { AGENT_PLATFORM_DATABASE_URL: options.databaseUrl, AGENT_PLATFORM_NATS_URL: options.natsUrl, AGENT_PLATFORM_DB_POOL_SIZE: '5' },
  );
  await child.waitForOutput(/fault processor ready/);
  return child;
};

/** Log lines at warn or above, for the failure message of a test that went wrong. */
export const complaintsOf = (child: Child): string =>
  child
    .logLines()
    .filter((line) => typeof line.level === 'number' && line.level >= 40)
    .map((line) => JSON.stringify(line))
    .join('\n');

/** `count(*)` of a query, as a number whichever way the driver parses bigint. */
export const countOf = async (query: Knex.QueryBuilder): Promise<number> => Number(((await query.count({ n: '*' })) as { n: unknown }[])[0]!.n);
