import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/** The few calls of the nats.js client the bench makes; see `openNats` for why they are typed here. */
type PubAck = { duplicate: boolean };
type NatsConnection = { close: () => Promise<void>; info?: { version: string } };
type JetStreamClient = { publish: (subject: string, payload: string, options: { msgID: string }) => Promise<PubAck> };
type JetStreamManager = { streams: { delete: (name: string) => Promise<boolean> } };
type NatsModules = {
  transport: { connect: (options: { servers: string; name: string }) => Promise<NatsConnection> };
  jetstream: {
    jetstream: (nc: NatsConnection) => JetStreamClient;
    jetstreamManager: (nc: NatsConnection) => Promise<JetStreamManager>;
  };
};

/** JetStream's API error code for "stream not found". */
const STREAM_NOT_FOUND = 10059;

export type BenchNats = {
  serverVersion: string;
  js: JetStreamClient;
  deleteStream: (name: string) => Promise<void>;
  close: () => Promise<void>;
};

/** A stream name and wire-subject prefix of this run only: two streams on one server may not share subjects. */
export const uniqueNamespace = (): { streamName: string; subjectPrefix: string } => {
  const token = randomBytes(6).toString('hex');
  return { streamName: `AP_BENCH_${token}`, subjectPrefix: `apbench${token}` };
};

/**
 * A plain nats.js connection for the raw publish baseline and for deleting the bench's streams. The
 * scripts package does not declare the NATS client, so it loads infra's copy: the baseline then runs
 * the very client version the broker adapter runs.
 */
export const openNats = async (servers: string): Promise<BenchNats> => {
  const require = createRequire(import.meta.resolve('@agent-platform/infra'));
  const nats: NatsModules = {
    transport: require('@nats-io/transport-node') as NatsModules['transport'],
    jetstream: require('@nats-io/jetstream') as NatsModules['jetstream'],
  };
  const nc = await nats.transport.connect({ servers, name: 'agent-platform-bench' });
  const jsm = await nats.jetstream.jetstreamManager(nc).catch(async (error: unknown) => {
    await nc.close();
    throw error;
  });
  return {
    serverVersion: nc.info?.version ?? 'unknown version',
    js: nats.jetstream.jetstream(nc),
    deleteStream: async (name) => {
      // A failed start may never have created the stream: nothing to delete is fine.
      await jsm.streams.delete(name).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== STREAM_NOT_FOUND) throw error;
      });
    },
    close: () => nc.close(),
  };
};

/** The header line for the NATS server, or why it could not be reached. */
export const describeNats = async (servers: string): Promise<string> => {
  const where = new URL(servers).host;
  try {
    const nats = await openNats(servers);
    await nats.close();
    return `NATS:        ${nats.serverVersion} at ${where}, JetStream file storage`;
  } catch (error) {
    return `NATS:        not reachable at ${where}: ${error instanceof Error ? error.message : String(error)}`;
  }
};
