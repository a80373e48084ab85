import { expect } from 'chai';
import { createKnex, type Knex } from '@agent-platform/infra';
import { describeOnEachPostgres } from '@agent-platform/infra/testing';
import { startPgliteDatabase, type PgliteDatabase } from '../../testing/pglite.js';
import { chooseChunkVectors } from './choose.js';

describeOnEachPostgres('the vector path chosen at start, on PostgreSQL without pgvector', ({ db }) => {
  let knex: Knex;
  before(() => (knex = createKnex(db().url)));
  after(async () => knex?.destroy());

  it('given auto, chooses in-process and says why pgvector is not used', async () => {
    const chosen = await chooseChunkVectors(knex, 'auto');
    expect(chosen.vectors.path).to.equal('in-process');
    expect(chosen.reason).to.match(/vector/);
  });

  it('given pgvector asked for, refuses to start rather than fall back silently', async () => {
    let refused: unknown;
    await chooseChunkVectors(knex, 'pgvector').catch((error) => (refused = error));
    expect(String(refused)).to.match(/AGENT_PLATFORM_VECTOR_SEARCH=pgvector/);
  });
});

describe('the vector path chosen at start, on PostgreSQL with pgvector (PGlite)', function () {
  this.timeout(60_000);
  let database: PgliteDatabase;
  before(async () => (database = await startPgliteDatabase()));
  after(async () => database?.stop());

  it('given auto, chooses pgvector; given in-process, in-process', async () => {
    expect((await chooseChunkVectors(database.knex, 'auto')).vectors.path).to.equal('pgvector');
    expect((await chooseChunkVectors(database.knex, 'in-process')).vectors.path).to.equal('in-process');
  });
});
