import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createKnex, type Knex } from '@agent-platform/infra';
import { createServer } from 'node:net';
import { knowledgeProjection } from '../knowledge/module.js';

export type PgliteDatabase = { knex: Knex; url: string; stop: () => Promise<void> };

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

/**
 * PGlite (the only pgvector on these machines) behind pglite-socket, with the knowledge tables. ONE
 * connection (pool max 1): pglite-socket shares one backend session among all (ARCHITECTURE.md, "Vectors").
 * Only the knowledge module's migrations run: they are all pgvector's tests need.
 */
export const startPgliteDatabase = async (): Promise<PgliteDatabase> => {
  const db = await PGlite.create({ extensions: { vector } });
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
  await server.start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const knex = createKnex(url, 1);
  for (const migration of knowledgeProjection.migrations) await migration.up(knex);
  return {
    knex,
    url,
    stop: async () => {
      await knex.destroy();
      await server.stop();
      await db.close();
    },
  };
};
