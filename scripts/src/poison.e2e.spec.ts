import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { eventCatalog, SESSIONS_CATEGORY, streamId } from '@agent-platform/contracts';
import { createPool, createPostgresEventStore, createUpcaster, type EventStore, type Pool } from '@agent-platform/infra';
import { describeOnPlatform, freshWorkspace, minPosition, sessionBody } from './testing/server.js';

describeOnPlatform(
  'a poison event in the log',
  (server, databaseUrl) => {
    let pool: Pool;
    let store: EventStore;
    before(() => {
      pool = createPool(databaseUrl(), 2);
      store = createPostgresEventStore({ pool, upcaster: createUpcaster(eventCatalog) });
    });
    after(async () => {
      await store.close();
      await pool.end();
    });

    it('parks a session event whose data breaks its projection: another tenant reads its own write at once, GET /projections shows the event with its error, /ready answers 200 degraded', async () => {
      // Written past the command side, as a bug or an old event with no upcaster would be: `session_id` is no uuid.
      const stream = streamId(SESSIONS_CATEGORY, randomUUID());
      const poison = await store.append(
        stream,
        [{ type: 'SessionOpened', data: { ...sessionBody(), session_id: 'not-a-uuid' }, metadata: { workspace_id: freshWorkspace() } }],
        { expectedVersion: 'no_stream' },
      );
      const other = { 'x-workspace-id': freshWorkspace() };
      const opened = await server().request('POST', '/sessions', { body: sessionBody(), headers: other });
      expect(opened.status).to.equal(201);

      const started = Date.now();
      const read = await server().request('GET', `/sessions/${opened.body.id}`, { headers: { ...other, ...minPosition(opened.body.position) } });
      expect(read.status, JSON.stringify(read.body)).to.equal(200);
      // Five attempts over 1.5 s, then parked: well inside the read's 5 s wait, which used to run out.
      expect(Date.now() - started).to.be.below(4_000);

      const sessions = (await server().request('GET', '/projections')).body.items.find((p: { name: string }) => p.name === 'sessions');
      expect(sessions).to.include({ parked_events: 1, lag_events: 0 });
      expect(sessions.parked).to.have.length(1);
      expect(sessions.parked[0]).to.include({ global_position: poison.lastPosition, stream_id: stream, event_type: 'SessionOpened' });
      expect(sessions.parked[0].error.code).to.equal(null);
      expect(sessions.parked[0].error.message).to.match(/session_id/);

      const ready = await server().request('GET', '/ready');
      expect(ready.status).to.equal(200);
      expect(ready.body.status).to.equal('degraded');
      expect(ready.body.projections.find((p: { name: string }) => p.name === 'sessions')).to.include({ parked_events: 1 });

      const metrics = (await server().request('GET', '/metrics')).body as string;
      expect(metrics).to.match(/^agent_platform_projection_parked_events\{projection="sessions"\} 1$/m);
      expect(metrics).to.match(/^agent_platform_projection_lag_seconds\{projection="sessions"\} 0$/m);
    });
  },
  { roles: ['command-api', 'query-api', 'projectors'] },
);
