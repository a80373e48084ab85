import { randomBytes } from 'node:crypto';
import type { Context } from 'mocha';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { mustRunEverySuite } from './databases.js';

export type NatsFixture = { url: () => string };

/**
 * Declares `body` against the NATS server named by AGENT_PLATFORM_TEST_NATS_URL (CI's, with JetStream).
 * Without the variable the suite is pending, except in CI, where it fails.
 */
export const describeOnNats = (title: string, body: (fixture: NatsFixture) => void): void => {
  const url = process.env.AGENT_PLATFORM_TEST_NATS_URL;
  describe(`${title} [nats (AGENT_PLATFORM_TEST_NATS_URL)]`, function () {
    this.timeout(60_000);
    before(function (this: Context) {
      if (url) return;
      if (!mustRunEverySuite()) this.skip();
      throw new Error('AGENT_PLATFORM_TEST_NATS_URL is not set');
    });
    body({
      url: () => {
        if (!url) throw new Error('AGENT_PLATFORM_TEST_NATS_URL is not set');
        return url;
      },
    });
  });
};

/**
 * A stream name and subject prefix no other run uses: two streams on one server may not capture the
 * same subjects, so parallel runs on a shared server each need their own prefix.
 */
export const uniqueNatsNamespace = (): { streamName: string; subjectPrefix: string } => {
  const token = randomBytes(6).toString('hex');
  return { streamName: `AP_TEST_${token}`, subjectPrefix: `aptest${token}` };
};

/** Deletes a test run's stream and its consumers; never point it at a real deployment. */
export const dangerouslyDeleteNatsStream = async (url: string, streamName: string): Promise<void> => {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(streamName);
  } finally {
    await nc.close();
  }
};
