import { stopSharedEmbeddedDatabase } from './databases.js';

/** Loaded by .mocharc.json: after every suite ran, the shared embedded server stops and its files go. */
export const mochaHooks = {
  afterAll: async () => {
    await stopSharedEmbeddedDatabase();
  },
};
