import { streamId, TEAM_RUNS_CATEGORY } from '@agent-platform/contracts';
import { createOpenAiProvider, createPool, createPostgresEventStore, type Pool } from '@agent-platform/infra';
import { startScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { withCleanup } from './cleanup.js';
import { createBenchDatabase } from './database.js';
import { measure, outcomeOf, percentile, type Cell, type Outcome, type Timing } from './measure.js';
import { openNats, uniqueNamespace } from './nats.js';
import { startServerProcess } from './serverProcess.js';
import { formatTable } from './table.js';

/** The team: four members at once, their answers concatenated (no merge step, so one model call per member). */
const MEMBERS = ['a', 'b', 'c', 'd'];
const WORKSPACE = 'ws-bench-teams';
const INPUT_TEXT = 'Plan the launch.';
const RUN_TIMEOUT_MS = 30_000;
const PROVIDER_TIMEOUT_MS = 60_000;

/** Medians of where a team run's time went, from the team run's own events. */
type TeamSplit = { queuedToLeasedMs: number; leasedToWaitingMs: number; waitingToCompletedMs: number; eventsPerRun: number };
export type TeamRunsResult = { inProcess: Cell; platform: Outcome<Cell & { split: TeamSplit }> };

/**
 * The same fan-out and join as a plain async function: four chat calls at once through the OpenAI adapter
 * against the same zero-latency server, then the answers joined. What a team run adds is everything else:
 * the journal, five agent runs' worth of leases and appends, and the wake-up through the broker.
 */
const inProcessFanOut = (baseURL: string) => {
  const model = createOpenAiProvider({ baseURL, apiKey: 'bench-key', defaultModel: 'gpt-4o-mini', timeoutMs: PROVIDER_TIMEOUT_MS, maxRetries: 2 });
  return () => async () => {
    const answers = await Promise.all(
      MEMBERS.map(async (key) => (await model.chat({ messages: [{ role: 'system', content: `You are ${key}.` }, { role: 'user', content: INPUT_TEXT }] })).choices[0]!.message.content),
    );
    if (answers.some((a) => !a)) throw new Error('a member gave no answer');
  };
};

const api = (baseUrl: string) => {
  const headers = { 'content-type': 'application/json', 'x-workspace-id': WORKSPACE };
  return async (path: string, body: unknown, expected = 201) => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(RUN_TIMEOUT_MS) });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as { id: string; status?: string; member_runs?: unknown[] };
  };
};

/** The platform as `npm start` runs it, in a process of its own: `POST /teams/runs`, then `execute`, which answers once the team ended. */
const measurePlatform = async (admin: Pool, serverUrl: string, natsUrl: string, modelUrl: string, timing: Timing) =>
  withCleanup(async (defer) => {
    const database = await createBenchDatabase(admin, serverUrl);
    defer('drop the team-run bench database', database.drop);
    const namespace = uniqueNamespace();
    const nats = await openNats(natsUrl);
    defer('close the NATS connection', nats.close);
    defer(`delete NATS stream ${namespace.streamName}`, () => nats.deleteStream(namespace.streamName));
    const platform = await startServerProcess({
      AGENT_PLATFORM_DATABASE_URL: database.url,
      AGENT_PLATFORM_NATS_URL: natsUrl,
      AGENT_PLATFORM_NATS_STREAM: namespace.streamName,
      AGENT_PLATFORM_NATS_SUBJECT_PREFIX: namespace.subjectPrefix,
      AGENT_PLATFORM_PROVIDER_BASE_URL: modelUrl,
      AGENT_PLATFORM_PROVIDER_API_KEY: 'bench-key',
    });
    defer('stop the platform', platform.stop);
    const post = api(platform.url);
    const members = [];
    for (const key of MEMBERS) {
      const agent = await post('/agents', { code: `member_${key}`, name: key });
      await post('/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: `You are ${key}.` });
      members.push({ member_key: key, agent_id: agent.id, role: 'executor' });
    }
    const team = await post('/teams', { code: 'bench_team', name: 'Bench team' });
    await post('/teams/versions', { team_id: team.id, status: 'published', coordination_mode: 'parallel', member_refs: members, config_json: { merge_strategy: 'concatenate' } });
    const session = await post('/sessions', { app_id: 'bench', user_id: 'bench', channel_type: 'web' });
    const runs: { runId: string; startedAt: number }[] = [];
    const measureFrom = performance.now() + timing.warmupMs;
    const cell = await measure(1, timing, () => async () => {
      const startedAt = performance.now();
      const run = await post('/teams/runs', { team_id: team.id, session_id: session.id, input_text: INPUT_TEXT });
      const outcome = await post(`/teams/runs/${run.id}/execute`, { worker_key: 'bench-client' }, 200);
      if (outcome.status !== 'completed' || outcome.member_runs?.length !== MEMBERS.length) throw new Error(`team run ${run.id} ended ${JSON.stringify(outcome).slice(0, 300)}`);
      runs.push({ runId: run.id, startedAt });
    });
    // Where the time went, read off the clock from the team runs' streams.
    const pool = createPool(database.url, 2);
    defer('close the client pool', () => pool.end());
    const store = createPostgresEventStore({ pool });
    defer('close the client store', () => store.close());
    const splits = await Promise.all(
      runs
        .filter((r) => r.startedAt >= measureFrom)
        .map(async ({ runId }) => {
          const events = await store.readStream(streamId(TEAM_RUNS_CATEGORY, runId));
          const at = (type: string) => Date.parse(events.find((e) => e.type === type)!.recorded_at);
          return { queued: at('TeamRunLeased') - at('TeamRunQueued'), working: at('TeamRunWaiting') - at('TeamRunLeased'), waiting: at('TeamRunCompleted') - at('TeamRunWaiting'), events: events.length };
        }),
    );
    const median = (pick: (s: (typeof splits)[number]) => number) => percentile(splits.map(pick).sort((a, b) => a - b), 0.5);
    return {
      ...cell,
      split: {
        queuedToLeasedMs: median((s) => s.queued),
        leasedToWaitingMs: median((s) => s.working),
        waitingToCompletedMs: median((s) => s.waiting),
        // The team run's own events plus its four member runs' (queued, leased, prepared, model call, completed).
        eventsPerRun: Math.max(...splits.map((s) => s.events)) + MEMBERS.length * 5,
      },
    };
  });

export const measureTeamRuns = async (admin: Pool, serverUrl: string, natsUrl: string, timing: Timing): Promise<TeamRunsResult> => {
  // A zero-latency model: the scripted server answers every chat from its local fallback at once.
  const model = await startScriptedOpenAiServer();
  try {
    const inProcess = await measure(1, timing, inProcessFanOut(model.baseURL));
    const platform = await outcomeOf(() => measurePlatform(admin, serverUrl, natsUrl, model.baseURL, timing));
    return { inProcess, platform };
  } finally {
    await model.close();
  }
};

const fixed = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

export const formatTeamRunsReport = (result: TeamRunsResult, timing: Timing): string => {
  const rows = [['in process: 4 chat calls at once, joined', fixed(result.inProcess.opsPerSecond), fixed(result.inProcess.p50Ms), fixed(result.inProcess.p99Ms)]];
  const platform = result.platform;
  if ('result' in platform) rows.push(['platform: POST /teams/runs + execute (4-member parallel team)', fixed(platform.result.opsPerSecond), fixed(platform.result.p50Ms), fixed(platform.result.p99Ms)]);
  else rows.push([`platform: not measured (${platform.notMeasured})`, '', '', '']);
  const lines = [
    `### Team-run overhead (one client, ${timing.durationMs / 1000} s per cell)`,
    '',
    formatTable(
      [
        { title: 'contender', align: 'left' },
        { title: 'team runs/s', align: 'right' },
        { title: 'p50 ms', align: 'right' },
        { title: 'p99 ms', align: 'right' },
      ],
      rows,
    ),
  ];
  if ('result' in platform) {
    const { split } = platform.result;
    lines.push(
      '',
      `Median split of a platform team run: queued → leased ${fixed(split.queuedToLeasedMs)} ms, leased → waiting for its members ${fixed(split.leasedToWaitingMs)} ms, ` +
        `waiting → completed ${fixed(split.waitingToCompletedMs)} ms; about ${split.eventsPerRun} events per team run. Overhead per team run at p50: ` +
        `${fixed(platform.result.p50Ms - result.inProcess.p50Ms)} ms.`,
    );
  }
  return lines.join('\n');
};
