import { dataKeysContract } from '../dataKeys.contract.js';
import { createInMemoryDataKeys } from './dataKeys.js';

/** The in-memory keys keep the port's whole contract, so specs that use them lose nothing but the I/O. */
describe('in-memory data keys', () => {
  dataKeysContract(async ({ keyring }) => {
    const keys = createInMemoryDataKeys({ keyring });
    return { keys, reopen: (other) => keys.withKeyring(other), teardown: async () => undefined };
  });
});
