import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  AGENT_RUNS_CATEGORY,
  AgentRunCompleted,
  AgentRunLeased,
  AgentRunPrepared,
  ModelCallCompleted,
  streamId,
  ToolInvocationCompleted,
  ToolInvocationFailed,
  ToolInvocationSelected,
  ToolInvocationSkipped,
  ToolInvocationStarted,
  type EventContract,
  type NewEvent,
} from '@agent-platform/contracts';
import { createPool, createPostgresEventStore, type EventStore, type Pool } from '@agent-platform/infra';
import { describeOnPlatform, expectProblem, freshWorkspace, minPosition, sessionBody, workspaceClient } from './testing/server.js';

type SseEvent = { id: string | undefined; event: string | undefined; data: string };

/** A Server-Sent Events reader: `next()` is the next event with data, or 'end' once the server closed the stream. */
const openStream = async (url: string, headers: Record<string, string>) => {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const parse = (block: string): SseEvent | undefined => {
    const fields = new Map<string, string[]>();
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue; // comments keep the connection alive
      const colon = line.indexOf(':');
      const [name, value] = colon < 0 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')];
      fields.set(name, [...(fields.get(name) ?? []), value]);
    }
    const data = fields.get('data');
    return data ? { id: fields.get('id')?.at(-1), event: fields.get('event')?.at(-1), data: data.join('\n') } : undefined;
  };
  const next = async (): Promise<SseEvent | 'end'> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const event = parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) return event;
        continue;
      }
      const chunk = await reader.read();
      if (chunk.done) return 'end';
      buffer += chunk.value.replace(/\r\n?/g, '\n');
    }
  };
  return { response, next, close: () => controller.abort() };
};

const payloadOf = (e: SseEvent | 'end') => {
  if (e === 'end') throw new Error('the stream ended');
  return JSON.parse(e.data) as { type: string; data: unknown; stream_version: number; global_position: number; recorded_at: string };
};

/**
 * A journal with every kind of step, appended straight to the store for a run nothing executes
 * (`auto_execute: false`), so that the projection of each kind is checked, whatever a real run happens to do.
 */
const journal = (runId: string) => {
  const ev = <C extends EventContract>(contract: C, data: unknown) => ({ type: contract.type, data: contract.schema.parse(data) });
  const toolId = randomUUID();
  const start = (invocation_id: string, step: number, tool_code: string) => ({
    run_id: runId,
    invocation_id,
    step,
    tool_id: toolId,
    tool_version_id: toolId,
    tool_code,
    input_json: { order_id: '123' },
    idempotency_key: `key-${invocation_id}`,
    tool_call_id: null,
  });
  const [called, failed, skipped, selected] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const usage = (p: number, c: number) => ({ prompt_tokens: p, completion_tokens: c });
  const modelCall = (step: number) => ({ run_id: runId, step, model: 'local-react', content: null, tool_calls: [], finish_reason: 'stop', usage: usage(10, 2), duration_ms: 5 });
  const leaseExpiresAt = '2030-01-01T00:00:00.000Z';
  return {
    ids: { called, failed, skipped, selected },
    leaseExpiresAt,
    events: [
      ev(AgentRunLeased, { run_id: runId, worker_key: 'w1', lease_id: randomUUID(), lease_expires_at: leaseExpiresAt, attempt: 1 }),
      ev(AgentRunPrepared, {
        run_id: runId,
        dry_run: false,
        model: 'local-react',
        temperature: null,
        max_tokens: null,
        react_enabled: true,
        react_max_steps: 3,
        ask_human_enabled: false,
        messages: [{ role: 'user', content: 'hi' }],
        selected_tool_refs: [{ tool_id: toolId, tool_version_id: toolId, tool_code: 'lookup_order', tool_type: 'http', description: null, input_schema_json: {}, selected_by: 'required', requires_approval: false }],
        selected_skill_refs: [],
        memory: { read: 'unavailable', write: 'disabled', memory_scope: 'session', scope_id: null, read_top_k: 5, read_count: 0, read_memories: [], note: null },
        citations: [],
      }),
      ev(ModelCallCompleted, modelCall(1)),
      ev(ToolInvocationStarted, start(called, 1, 'lookup_order')),
      ev(ToolInvocationStarted, start(called, 1, 'lookup_order')), // a resumed run retried the call in flight
      ev(ToolInvocationCompleted, { run_id: runId, invocation_id: called, step: 1, output_json: { status: 'shipped' }, duration_ms: 12.5 }),
      ev(ToolInvocationFailed, { ...start(failed, 1, 'unknown_tool'), tool_id: null, tool_version_id: null, error: { code: 'TOOL_NOT_FOUND', message: 'no such tool' }, duration_ms: null }),
      ev(ModelCallCompleted, modelCall(2)),
      ev(ToolInvocationSkipped, { ...start(skipped, 2, 'a_skill'), reason: 'skills do not run yet' }),
      ev(ToolInvocationSelected, start(selected, 2, 'lookup_order')),
      ev(AgentRunCompleted, { run_id: runId, answer: 'Shipped.', usage: usage(20, 4) }),
    ],
  };
};

describeOnPlatform('agent runs over HTTP: the journal, tool invocations and the live stream', (server, databaseUrl) => {
  let pool: Pool;
  let store: EventStore;
  before(() => {
    pool = createPool(databaseUrl(), 4);
    store = createPostgresEventStore({ pool, listenConnectionString: databaseUrl() });
  });
  after(async () => {
    await store?.close();
    await pool?.end();
  });

  const { call, ok, headers: workspace } = workspaceClient(server);
  /** A queued run that nothing executes. */
  const queuedRun = async () => {
    const agent = await ok('POST', '/agents', { code: 'sales_agent', name: 'Sales Agent', agent_type: 'assistant' });
    await ok('POST', '/agents/versions', { agent_id: agent.id, status: 'published', system_prompt: 'Be brief.' });
    const session = await ok('POST', '/sessions', sessionBody());
    return ok('POST', '/agents/runs', { agent_id: agent.id, session_id: session.id, input_text: 'hi', auto_execute: false });
  };
  const record = async (runId: string, events: { type: string; data: unknown }[], after: number) => {
    const metadata = { workspace_id: workspace()['x-workspace-id']! };
    const stream = streamId(AGENT_RUNS_CATEGORY, runId);
    return store.append(stream, events.map((e): NewEvent => ({ ...e, metadata })), { expectedVersion: after });
  };
  const streamOf = (runId: string, headers: Record<string, string> = {}, query = '') =>
    openStream(`${server().url}/agents/runs/${runId}/stream${query}`, { ...workspace(), ...headers });

  it('lists no tool invocations for a fresh run, and answers 404 for a run not in the workspace', async () => {
    const run = await queuedRun();
    const list = await call('GET', `/agents/runs/${run.id}/tool-invocations`, undefined, minPosition(run.position));
    expect(list.status).to.equal(200);
    expect(list.body).to.deep.equal({ items: [], next_cursor: null });
    expectProblem(await call('GET', `/agents/runs/${randomUUID()}/tool-invocations`), 404, 'AGENT_RUN_NOT_FOUND');
    const elsewhere = { 'x-workspace-id': freshWorkspace() };
    expectProblem(await server().request('GET', `/agents/runs/${run.id}/tool-invocations`, { headers: elsewhere }), 404, 'AGENT_RUN_NOT_FOUND');
  });

  it('reads the journal: steps, summed tokens, lease, selection and memory, and each tool invocation by step', async () => {
    const run = await queuedRun();
    const { events, ids, leaseExpiresAt } = journal(run.id);
    const midway = await record(run.id, events.slice(0, 3), 1);
    const running = await call('GET', `/agents/runs/${run.id}`, undefined, minPosition(midway.lastPosition));
    expect(running.body).to.deep.include({ status: 'running', steps: 1, prompt_tokens: 10, completion_tokens: 2, lease_expires_at: leaseExpiresAt });
    expect(running.body.selected_tool_refs.map((r: { tool_code: string }) => r.tool_code)).to.deep.equal(['lookup_order']);
    expect(running.body.memory).to.include({ read: 'unavailable', memory_scope: 'session' });

    const done = await record(run.id, events.slice(3), midway.nextExpectedVersion);
    const fresh = minPosition(done.lastPosition);
    const ended = await call('GET', `/agents/runs/${run.id}`, undefined, fresh);
    expect(ended.body).to.deep.include({ status: 'completed', output_text: 'Shipped.', steps: 2, prompt_tokens: 20, completion_tokens: 4, lease_expires_at: null });

    const { body } = await call('GET', `/agents/runs/${run.id}/tool-invocations`, undefined, fresh);
    const byId = Object.fromEntries(body.items.map((i: { id: string }) => [i.id, i]));
    expect(body.items.map((i: { step: number }) => i.step)).to.deep.equal([1, 1, 2, 2]);
    expect(byId[ids.called]).to.deep.include({ status: 'completed', attempts: 2, output_json: { status: 'shipped' }, duration_ms: 12.5, error: null });
    expect(byId[ids.called].started_time).to.be.a('string');
    expect(byId[ids.called].finished_time).to.be.a('string');
    expect(byId[ids.failed]).to.deep.include({ status: 'failed', attempts: 0, tool_id: null, started_time: null, error: { code: 'TOOL_NOT_FOUND', message: 'no such tool' } });
    expect(byId[ids.skipped]).to.deep.include({ status: 'skipped', error: { code: 'SKIPPED', message: 'skills do not run yet' } });
    expect(byId[ids.selected]).to.deep.include({ status: 'selected', attempts: 0, input_json: { order_id: '123' }, idempotency_key: `key-${ids.selected}` });
  });

  it('streams the run as Server-Sent Events, ends after the cancel, and resumes after Last-Event-ID', async () => {
    const run = await queuedRun();
    const live = await streamOf(run.id);
    expect(live.response.status).to.equal(200);
    expect(live.response.headers.get('content-type')).to.match(/^text\/event-stream/);
    const queued = await live.next();
    expect(queued).to.include({ id: '1', event: 'AgentRunQueued' });
    expect(payloadOf(queued)).to.deep.include({ type: 'AgentRunQueued', stream_version: 1, global_position: run.position });
    expect(payloadOf(queued).recorded_at).to.be.a('string');

    const cancelled = await ok('POST', `/agents/runs/${run.id}/cancel`, { reason: 'changed my mind' });
    const last = await live.next();
    expect(last).to.include({ id: '2', event: 'AgentRunCancelled' });
    expect(payloadOf(last)).to.deep.include({ data: { run_id: run.id, reason: 'changed my mind' }, global_position: cancelled.position });
    expect(await live.next()).to.equal('end');

    for (const resumed of [await streamOf(run.id, { 'last-event-id': '1' }), await streamOf(run.id, {}, '?last_event_id=1')]) {
      expect((await resumed.next()) as SseEvent).to.include({ id: '2', event: 'AgentRunCancelled' });
      expect(await resumed.next()).to.equal('end');
    }
    // A client that has the last event is told with 204 to stop reconnecting.
    expect((await call('GET', `/agents/runs/${run.id}/stream`, undefined, { 'last-event-id': '2' })).status).to.equal(204);
  });

  it('streams the journal as it is recorded and ends after AgentRunCompleted', async () => {
    const run = await queuedRun();
    const { events } = journal(run.id);
    const live = await streamOf(run.id);
    expect(await live.next()).to.include({ id: '1' });
    await record(run.id, events.slice(0, 4), 1);
    await record(run.id, events.slice(4), 5);
    const seen: SseEvent[] = [];
    for (let e = await live.next(); e !== 'end'; e = await live.next()) seen.push(e);
    expect(seen.map((e) => e.event)).to.deep.equal(events.map((e) => e.type));
    expect(seen.map((e) => Number(e.id))).to.deep.equal(events.map((_, i) => i + 2));
  });

  it('answers with a problem before any event: a run of another workspace or unknown, a Last-Event-ID it never sent', async () => {
    const run = await queuedRun();
    const elsewhere = { 'x-workspace-id': freshWorkspace() };
    expectProblem(await server().request('GET', `/agents/runs/${run.id}/stream`, { headers: elsewhere }), 404, 'AGENT_RUN_NOT_FOUND');
    expectProblem(await call('GET', `/agents/runs/${randomUUID()}/stream`), 404, 'AGENT_RUN_NOT_FOUND');
    expectProblem(await call('GET', `/agents/runs/${run.id}/stream`, undefined, { 'last-event-id': '9' }), 400, 'VALIDATION_FAILED');
  });

  it('lets a client leave mid-stream, and goes on serving', async () => {
    const run = await queuedRun();
    const live = await streamOf(run.id);
    await live.next();
    live.close();
    const again = await streamOf(run.id);
    expect(await again.next()).to.include({ id: '1' });
    again.close();
    expect((await call('GET', `/agents/runs/${run.id}`, undefined, { 'x-min-position': String(run.position) })).status).to.equal(200);
  });

  it('documents the stream in the OpenAPI document as text/event-stream', async () => {
    const { body } = await server().request('GET', '/openapi.json');
    const operation = body.paths['/agents/runs/{id}/stream'].get;
    expect(Object.keys(operation.responses['200'].content)).to.deep.equal(['text/event-stream']);
    expect(body.paths['/agents/runs/{id}/tool-invocations'].get.responses).to.have.keys(['200', '400', '404', '503']);
  });
});
