import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { describeOnPlatform, eventually, minPosition, workspaceClient } from './testing/server.js';

const natsUrl = () => {
  const url = process.env.AGENT_PLATFORM_TEST_NATS_URL;
  if (!url) throw new Error('AGENT_PLATFORM_TEST_NATS_URL is not set: the NATS suites need CI’s NATS server');
  return url;
};
const own = randomBytes(4).toString('hex');

// The broker carries 1 MiB at most (NATS's default max_payload); a 1.5 MB document's event is larger. Before the
// claim check, the relay's publish of it failed at every attempt and held back every later event, of every tenant.
describeOnPlatform(
  'events larger than the broker carries, over NATS',
  (server) => {
    const { call, ok } = workspaceClient(server);

    it('reach the processors by a claim check: a 1.5 MB document is indexed, and the relay goes on past it', async () => {
      const base = (await ok('POST', '/knowledge/bases', { code: 'big_kb', name: 'Big' })) as { id: string };
      const text = Array.from({ length: 30_000 }, (_, i) => `Sentence ${i} says that refunds take seven days. `).join('');
      expect(Buffer.byteLength(text)).to.be.greaterThan(1.4 * 1024 * 1024);
      const big = (await ok('POST', '/knowledge/documents', { knowledge_base_id: base.id, title: 'Big', content_text: text, source_type: 'text' })) as { id: string; position: number };
      const small = (await ok('POST', '/knowledge/documents', { knowledge_base_id: base.id, title: 'Small', content_text: 'Gift cards never expire.', source_type: 'text' })) as {
        id: string;
        position: number;
      };
      const indexed = (id: string, position: number) =>
        eventually(async () => {
          const answer = await call('GET', `/knowledge/documents/${id}`, undefined, minPosition(position));
          expect(answer.body.status, JSON.stringify(answer.body).slice(0, 300)).to.equal('indexed');
          return answer.body as { chunk_count: number };
        }, 60_000);
      expect((await indexed(big.id, big.position)).chunk_count).to.be.greaterThan(1000);
      expect((await indexed(small.id, small.position)).chunk_count).to.equal(1);
    });
  },
  { env: () => ({ AGENT_PLATFORM_NATS_URL: natsUrl(), AGENT_PLATFORM_NATS_STREAM: `E2E_LARGE_${own}`, AGENT_PLATFORM_NATS_SUBJECT_PREFIX: `e2e_large_${own}` }) },
);
