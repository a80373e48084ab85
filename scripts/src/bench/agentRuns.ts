import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AGENT_RUNS_CATEGORY, streamId } from '@agent-platform/contracts';
import {
  callHttpTool,
  chunksOf,
  createOpenAiProvider,
  createPool,
  createPostgresEventStore,
  parseAllowedHosts,
  type ChatMessage,
  type ChatRequest,
  type ChatResponse,
  type HttpToolPolicy,
  type ModelProvider,
  type Pool,
  type ToolDefinition,
} from '@agent-platform/infra';
import { startScriptedOpenAiServer } from '@agent-platform/infra/testing';
import { withCleanup, type Defer } from './cleanup.js';
import { createBenchDatabase } from './database.js';
import { measure, outcomeOf, percentile, type Cell, type Operation, type Outcome, type Timing } from './measure.js';
import { openNats, uniqueNamespace } from './nats.js';
import { startServerProcess } from './serverProcess.js';

/** Model calls of one run: tool, tool, finish. The overhead per step divides by this. */
export const STEPS_PER_RUN = 3;
/** What the scripted model answers once it has seen two tool results; a run that ends otherwise fails its cell. */
const FINAL_ANSWER = 'Order 1 has shipped.';
const TOOL_CODE = 'lookup_order';
const TOOL_PATH = '/orders/lookup';
const TOOL_TIMEOUT_MS = 5_000;
const ORDER_SCHEMA = { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] };
const SYSTEM_PROMPT = 'You help with orders.';
const INPUT_TEXT = 'Where is order 1?';
const MAX_STEPS = 5;
const USAGE = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
const WORKSPACE = 'ws-bench';
/** A chat with a few runs: the session's history (read when a run is prepared) stays short. */
const RUNS_PER_SESSION = 10;
const RUN_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 60_000;
/** The platform's defaults (infra/src/config.ts), which the in-process client gets too. */
const PROVIDER_TIMEOUT_MS = 60_000;
const PROVIDER_MAX_RETRIES = 2;
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Medians of where a platform run's time went, from client clocks and the events' `recorded_at`. */
export type RunSplit = {
  /** t0 → `POST /agents/runs` answered 201. */
  acceptMs: number;
  /** AgentRunQueued recorded → AgentRunLeased recorded: the relay, NATS, the processor's inbox and journal read. */
  pickupMs: number;
  /** AgentRunLeased recorded → AgentRunCompleted recorded: preparing, the 3 model and 2 tool calls, every step's append. */
  executeMs: number;
  /** AgentRunCompleted recorded → the client had the answer of `POST /agents/runs/:id/execute`. */
  noticeMs: number;
};
export type PlatformCell = Cell & { split: RunSplit; eventsPerRun: number };
export type AgentRunRow = { concurrency: number; inProcess: Cell; platform: Outcome<PlatformCell> };

const ms = (n: number): number => Math.round(n * 1000) / 1000;
/** Wall-clock milliseconds with a fraction, comparable with PostgreSQL's `now()` on this machine. */
const wallClock = (): number => performance.timeOrigin + performance.now();

/* ------------------------------------------------------------------------------------------------ */
/* The zero-latency model and tool                                                                    */
/* ------------------------------------------------------------------------------------------------ */

/** Tool results since the newest user message: where this run's ReAct loop stands. */
const toolResultsSinceUser = (messages: readonly ChatMessage[]): number => {
  let count = 0;
  for (let i = messages.length - 1; i >= 0 && messages[i]!.role !== 'user'; i--) if (messages[i]!.role === 'tool') count++;
  return count;
};

/**
 * A model that answers at once and from the request alone, so any number of concurrent runs get the same
 * script: a native call of the first offered tool after 0 and 1 tool results, the final answer after 2.
 */
export const scriptedReActModel = (): ModelProvider => {
  let served = 0;
  const chat = async (request: ChatRequest): Promise<ChatResponse> => {
    const results = toolResultsSinceUser(request.messages);
    const tool = request.tools?.[0]?.function.name;
    if (results < 2 && !tool) throw new Error('the scripted ReAct model was offered no tool');
    const n = ++served;
    const message: ChatResponse['choices'][number]['message'] =
      results < 2
        ? {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: tool!, arguments: '{"order_id":"1"}' } }],
          }
        : { role: 'assistant', content: FINAL_ANSWER };
    return {
      id: `chatcmpl-bench-${n}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model ?? 'bench-scripted',
      choices: [{ index: 0, message, finish_reason: results < 2 ? 'tool_calls' : 'stop' }],
      usage: USAGE,
    };
  };
  return {
    name: 'bench-scripted',
    defaultModel: 'bench-scripted',
    listModels: async () => [{ id: 'bench-scripted', object: 'model', created: 0, owned_by: 'agent-platform-bench' }],
    chat,
    chatStream: (request) =>
      (async function* () {
        yield* chunksOf(await chat(request));
      })(),
  };
};

type ToolServer = { url: string; host: string; close: () => Promise<void> };

/** An HTTP tool that answers `{ "ok": true }` as soon as the request body is in. */
const startOkTool = async (): Promise<ToolServer> => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/* ------------------------------------------------------------------------------------------------ */
/* In process: the limit                                                                              */
/* ------------------------------------------------------------------------------------------------ */

/**
 * The same ReAct loop as a plain async function: the OpenAI adapter against the same scripted server and
 * `callHttpTool` with the platform's policy against the same tool, nothing recorded.
 */
const inProcessContender = (modelBaseUrl: string, tool: ToolServer): (() => Operation) => {
  const model = createOpenAiProvider({
    baseURL: modelBaseUrl,
    apiKey: 'bench-key',
    defaultModel: 'gpt-4o-mini',
    timeoutMs: PROVIDER_TIMEOUT_MS,
    maxRetries: PROVIDER_MAX_RETRIES,
  });
  const policy: HttpToolPolicy = { allowedHosts: parseAllowedHosts(tool.host), maxResponseBytes: MAX_RESPONSE_BYTES };
  const tools: ToolDefinition[] = [
    { type: 'function', function: { name: TOOL_CODE, description: 'Finds an order by id', parameters: ORDER_SCHEMA } },
  ];
  let runs = 0;
  const run = async (): Promise<string> => {
    const runId = `in-process-${++runs}`;
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: INPUT_TEXT },
    ];
    for (let step = 1; step <= MAX_STEPS; step++) {
      const { message } = (await model.chat({ messages, tools })).choices[0]!;
      const calls = message.tool_calls ?? [];
      messages.push({ role: 'assistant', content: message.content, ...(calls.length ? { tool_calls: calls } : {}) });
      if (!calls.length) return message.content ?? '';
      for (const [index, call] of calls.entries()) {
        const result = await callHttpTool(
          {
            method: 'POST',
            url: `${tool.url}${TOOL_PATH}`,
            headers: {},
            input: JSON.parse(call.function.arguments) as Record<string, unknown>,
            idempotencyKey: `${runId}:${step}:${index}`,
            timeoutMs: TOOL_TIMEOUT_MS,
          },
          policy,
        );
        if (!result.ok) throw new Error(`in-process tool call failed: ${result.error.code}: ${result.error.message}`);
        messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result.output) });
      }
    }
    throw new Error(`the in-process run did not finish within ${MAX_STEPS} steps`);
  };
  return () => async () => {
    const answer = await run();
    if (answer !== FINAL_ANSWER) throw new Error(`the in-process run answered ${JSON.stringify(answer)}`);
  };
};

/* ------------------------------------------------------------------------------------------------ */
/* The platform                                                                                       */
/* ------------------------------------------------------------------------------------------------ */

type Api = {
  post: (path: string, body: unknown) => Promise<{ id: string }>;
  /** `POST /agents/runs/:id/execute`, which answers 200 once the run ended. */
  execute: (runId: string) => Promise<unknown>;
  get: (path: string) => Promise<unknown>;
};

const apiOf = (baseUrl: string): Api => {
  const headers = { 'content-type': 'application/json', 'x-workspace-id': WORKSPACE };
  return {
    post: async (path, body) => {
      const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text) as { id: string };
    },
    execute: async (runId) => {
      const response = await fetch(`${baseUrl}/agents/runs/${runId}/execute`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ worker_key: 'bench-client' }),
        signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`POST /agents/runs/${runId}/execute answered ${response.status}: ${text.slice(0, 300)}`);
      return JSON.parse(text);
    },
    get: async (path) => {
      const response = await fetch(`${baseUrl}${path}`, { headers });
      return response.json();
    },
  };
};

type Readiness = { projections?: { lag_events: number }[]; relay?: { lag_events: number } };

/**
 * Waits until the projectors and the relay have read the whole log, so that one cell's backlog is not
 * worked off in the next cell's window (the in-process one's included). Gives up quietly after a while.
 */
const settle = async (api: Api): Promise<void> => {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  try {
    while (performance.now() < deadline) {
      const ready = (await api.get('/ready')) as Readiness;
      const lags = [...(ready.projections ?? []), ...(ready.relay ? [ready.relay] : [])].map((l) => l.lag_events);
      if (lags.every((lag) => lag === 0)) return;
      await sleep(100);
    }
    console.error(`  the platform still lagged ${SETTLE_TIMEOUT_MS / 1000} s after the cell; measuring anyway`);
  } catch (error) {
    console.error(`  could not read the platform's lag (${error instanceof Error ? error.message : String(error)}); measuring anyway`);
  }
};

/** One measured run, as the client saw it; the split is worked out from its stream once the cell is over. */
type RunSample = { startedAt: number; runId: string; t0: number; acceptedAt: number; answeredAt: number };
type PlatformContender = {
  api: Api;
  /** A fresh operation per worker, recording each run into `samples`. */
  newOperation: (samples: RunSample[]) => Operation;
  /** Where each run's time went, from its stream: read after the cell, off the clock. */
  splitOf: (sample: RunSample) => Promise<{ split: RunSplit; events: number }>;
};

/**
 * Every role of the platform in this process (`startPlatform`, as `npm start` composes it) on a bench
 * database of its own, with NATS, the scripted model behind the OpenAI adapter and the tool on the
 * allow-list. A run is `POST /agents/runs`, then `POST /agents/runs/:id/execute`, which answers once the
 * run ended, as the seed runs one.
 */
const startPlatformContender = async (
  admin: Pool,
  serverUrl: string,
  natsUrl: string,
  modelBaseUrl: string,
  tool: ToolServer,
  defer: Defer,
): Promise<PlatformContender> => {
  const database = await createBenchDatabase(admin, serverUrl);
  defer('drop the agent-run bench database', database.drop);
  // A stream and subjects of this run only, like the bench's other NATS parts: never the platform's own.
  const namespace = uniqueNamespace();
  const nats = await openNats(natsUrl);
  defer('close the NATS connection', nats.close);
  defer(`delete NATS stream ${namespace.streamName}`, () => nats.deleteStream(namespace.streamName));
  // The platform runs as `npm start` runs it, in a process of its own: in the bench's process, its event
  // loop would be shared with the client, the model and the tool, and every one would slow the others.
  const platform = await startServerProcess({
    AGENT_PLATFORM_DATABASE_URL: database.url,
    AGENT_PLATFORM_NATS_URL: natsUrl,
    AGENT_PLATFORM_NATS_STREAM: namespace.streamName,
    AGENT_PLATFORM_NATS_SUBJECT_PREFIX: namespace.subjectPrefix,
    AGENT_PLATFORM_PROVIDER_BASE_URL: modelBaseUrl,
    AGENT_PLATFORM_PROVIDER_API_KEY: 'bench-key',
    AGENT_PLATFORM_TOOL_ALLOWED_HOSTS: tool.host,
  });
  defer('stop the platform', platform.stop);
  const { url } = platform;
  const api = apiOf(url);

  // The client's own store, to read each run's stream once the cell is over.
  const pool = createPool(database.url, 4);
  defer('close the agent-run client pool', () => pool.end());
  const store = createPostgresEventStore({ pool });
  defer('close the agent-run client store', () => store.close());

  const created = await api.post('/tools', { code: TOOL_CODE, name: 'Look up an order', tool_type: 'http', description: 'Finds an order by id' });
  await api.post('/tools/versions', {
    tool_id: created.id,
    status: 'published',
    input_schema_json: ORDER_SCHEMA,
    invoke_config_json: { method: 'POST', base_url: tool.url, path: TOOL_PATH, timeout_ms: TOOL_TIMEOUT_MS },
  });
  const agent = await api.post('/agents', { code: 'support_agent', name: 'Support', agent_type: 'assistant' });
  await api.post('/agents/versions', {
    agent_id: agent.id,
    status: 'published',
    system_prompt: SYSTEM_PROMPT,
    model_config: { react_enabled: true, react_max_steps: MAX_STEPS },
    tool_refs: [{ tool_code: TOOL_CODE }],
  });
  const openSession = () => api.post('/sessions', { app_id: 'app-1', user_id: 'user-1', channel_type: 'web' }).then((s) => s.id);

  return {
    api,
    newOperation: (samples) => {
      // The next session is opened while the current one's last run works, so no measured run waits for it.
      let session = openSession();
      session.catch(() => undefined);
      let runsInSession = 0;
      return async () => {
        const startedAt = performance.now();
        const t0 = wallClock();
        const sessionId = await session;
        if (++runsInSession === RUNS_PER_SESSION) {
          runsInSession = 0;
          session = openSession();
          session.catch(() => undefined);
        }
        const run = await api.post('/agents/runs', { agent_id: agent.id, session_id: sessionId, input_text: INPUT_TEXT });
        const acceptedAt = wallClock();
        // As the seed runs one: queue it, then execute it, which waits for its end (here it joins the run
        // the server started at once).
        const outcome = (await api.execute(run.id)) as { status?: string; output_text?: unknown };
        const answeredAt = wallClock();
        if (outcome.status !== 'completed' || outcome.output_text !== FINAL_ANSWER) {
          throw new Error(`agent run ${run.id} ended ${JSON.stringify(outcome).slice(0, 300)}`);
        }
        samples.push({ startedAt, runId: run.id, t0, acceptedAt, answeredAt });
      };
    },
    splitOf: async (sample) => {
      const events = await store.readStream(streamId(AGENT_RUNS_CATEGORY, sample.runId));
      const recorded = (type: string) => {
        const found = events.find((e) => e.type === type);
        if (!found) throw new Error(`agent run ${sample.runId} has no ${type}`);
        return Date.parse(found.recorded_at);
      };
      return {
        events: events.length,
        split: {
          acceptMs: sample.acceptedAt - sample.t0,
          pickupMs: recorded('AgentRunLeased') - recorded('AgentRunQueued'),
          executeMs: recorded('AgentRunCompleted') - recorded('AgentRunLeased'),
          noticeMs: sample.answeredAt - recorded('AgentRunCompleted'),
        },
      };
    },
  };
};

const medianSplit = (splits: readonly RunSplit[]): RunSplit => {
  const median = (pick: (s: RunSplit) => number) => ms(percentile(splits.map(pick).sort((a, b) => a - b), 0.5));
  return {
    acceptMs: median((s) => s.acceptMs),
    pickupMs: median((s) => s.pickupMs),
    executeMs: median((s) => s.executeMs),
    noticeMs: median((s) => s.noticeMs),
  };
};

const measurePlatform = async (contender: PlatformContender, concurrency: number, timing: Timing): Promise<PlatformCell> => {
  const samples: RunSample[] = [];
  const measureFrom = performance.now() + timing.warmupMs;
  const cell = await measure(concurrency, timing, () => contender.newOperation(samples));
  const measured = await Promise.all(samples.filter((s) => s.startedAt >= measureFrom).map(contender.splitOf));
  return { ...cell, split: medianSplit(measured.map((m) => m.split)), eventsPerRun: Math.max(...measured.map((m) => m.events)) };
};

/**
 * The agent-run part: at each concurrency, the in-process loop, then the platform, on the same model and
 * tool servers. The platform's cells need NATS; without it (or when a cell fails) they are "not measured"
 * and the in-process ones still count.
 */
export const measureAgentRuns = (
  admin: Pool,
  serverUrl: string,
  natsUrl: string,
  concurrencies: readonly number[],
  timing: Timing,
): Promise<AgentRunRow[]> =>
  withCleanup(async (defer) => {
    const model = await startScriptedOpenAiServer({ fallback: scriptedReActModel() });
    defer('stop the scripted model server', model.close);
    // It keeps every request for tests to look at; the bench does not, and makes some hundred thousand.
    const forget = setInterval(() => void (model.requests.length = 0), 200);
    defer('stop forgetting model requests', async () => clearInterval(forget));
    const tool = await startOkTool();
    defer('stop the tool server', tool.close);

    const inProcess = inProcessContender(model.baseURL, tool);
    console.error('  starting the platform');
    const started = await outcomeOf(() => startPlatformContender(admin, serverUrl, natsUrl, model.baseURL, tool, defer));
    // After a failed cell, the platform's later cells are not tried: a broken platform would only time out again.
    let skipPlatform = 'notMeasured' in started ? started.notMeasured : undefined;

    // Both contenders run unmeasured at 1 client first, as long as a measured cell: the platform has just
    // started, and in its first seconds its code is still being compiled and its pools and caches filled.
    // Without this, its first cell (1 client) measured 3-14 ms per run more than the same cell repeated
    // on the same server right after.
    console.error('  warming up both contenders');
    const warmUp: Timing = { warmupMs: timing.durationMs, durationMs: 0 };
    await measure(1, warmUp, inProcess);
    if ('result' in started && skipPlatform === undefined) {
      const platform = started.result;
      const warmed = await outcomeOf(() => measure(1, warmUp, () => platform.newOperation([])));
      if ('notMeasured' in warmed) skipPlatform = `it failed while warming up: ${warmed.notMeasured}`;
    }

    const rows: AgentRunRow[] = [];
    for (const concurrency of concurrencies) {
      const prepare = async () => {
        if ('result' in started && skipPlatform === undefined) await settle(started.result.api);
        await admin.query('CHECKPOINT');
      };
      console.error(`measuring in-process agent runs with ${concurrency} clients`);
      await prepare();
      const inProcessCell = await measure(concurrency, timing, inProcess);
      let platform: Outcome<PlatformCell> = { notMeasured: skipPlatform ?? '' };
      if ('result' in started && skipPlatform === undefined) {
        console.error(`measuring platform agent runs with ${concurrency} clients`);
        await prepare();
        platform = await outcomeOf(() => measurePlatform(started.result, concurrency, timing));
        if ('notMeasured' in platform) skipPlatform = `not tried after the failure with ${concurrency} clients`;
      }
      rows.push({ concurrency, inProcess: inProcessCell, platform });
    }
    return rows;
  });
