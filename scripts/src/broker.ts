import { createInProcessBroker, createKafkaBroker, createNatsBroker, type Broker, type Config, type Logger } from '@agent-platform/infra';

/**
 * NATS JetStream when AGENT_PLATFORM_NATS_URL is set, Kafka when AGENT_PLATFORM_KAFKA_BROKERS is, else the
 * in-process bus. The in-process bus connects only the roles of one process: a multi-process deployment
 * needs a real broker.
 */
export const openBroker = async (config: Config, log: Logger): Promise<Broker> => {
  const broker = config.AGENT_PLATFORM_NATS_URL
    ? await createNatsBroker({
        servers: config.AGENT_PLATFORM_NATS_URL,
        streamName: config.AGENT_PLATFORM_NATS_STREAM,
        ...(config.AGENT_PLATFORM_NATS_SUBJECT_PREFIX ? { subjectPrefix: config.AGENT_PLATFORM_NATS_SUBJECT_PREFIX } : {}),
      })
    : config.AGENT_PLATFORM_KAFKA_BROKERS
      ? createKafkaBroker({ brokers: config.AGENT_PLATFORM_KAFKA_BROKERS })
      : createInProcessBroker();
  log.info({ broker: broker.name }, 'broker ready');
  return broker;
};
