import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs; secrets are redacted by path wherever they could appear. */
export const createLogger = (level: string = process.env.AGENT_PLATFORM_LOG_LEVEL ?? 'info'): Logger =>
  pino({
    level,
    base: { service: 'agent-platform' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'api_key',
        '*.api_key',
        'apiKey',
        '*.apiKey',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
  });
