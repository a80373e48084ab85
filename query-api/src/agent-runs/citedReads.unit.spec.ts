import { expect } from 'chai';
import type { AgentRunView, ProjectionName, RunCitation } from '@agent-platform/contracts';
import type { Consistency } from '../consistency.js';
import { readRuns } from './citedReads.js';

const asked = { headers: { 'x-min-position': '42' }, query: {} };
const citation = {
  knowledge_base_id: '0b6d1f7e-2c3a-4b5d-9e8f-7a6b5c4d3e2f',
  document_id: '1c7e2a8f-3d4b-4c6e-8f9a-8b7c6d5e4f3a',
  chunk_id: '1c7e2a8f-3d4b-4c6e-8f9a-8b7c6d5e4f3a:0',
  chunk_index: 0,
  score: 0.8,
};
const runWith = (citations: RunCitation[], title: string | null = null) =>
  ({ id: 'run', citations: citations.map((c) => ({ ...c, document_title: title })) }) as unknown as AgentRunView;

/** A consistency that records what it was asked to wait for, and what had been read by then. */
const recording = () => {
  const log: string[] = [];
  const consistency: Consistency = {
    awaitPosition: (_asked, projections: readonly ProjectionName[]) => {
      log.push(`wait ${projections.join(', ')}`);
      return Promise.resolve();
    },
  };
  return { log, deps: { consistency } };
};

describe('reading runs at a position', () => {
  it('waits for the agent-runs projection only, and reads once, when no run read cites anything', async () => {
    const { log, deps } = recording();
    const read = await readRuns(deps, asked, () => (log.push('read'), Promise.resolve(runWith([]))), (run) => [run]);
    expect(read.citations).to.deep.equal([]);
    expect(log).to.deep.equal(['wait agent-runs', 'read']);
  });

  it('waits for the knowledge projection too when a run cites something, and reads again after, so titles are those at the position', async () => {
    const { log, deps } = recording();
    const titles = [null, 'Refund Policy'];
    let reads = 0;
    const page = await readRuns(deps, asked, () => (log.push('read'), Promise.resolve({ items: [runWith([]), runWith([citation], titles[reads++]!)] })), (p) => p.items);
    expect(log).to.deep.equal(['wait agent-runs', 'read', 'wait knowledge', 'read']);
    expect(page.items[1]!.citations[0]!.document_title).to.equal('Refund Policy');
  });
});
