import { Registry, collectDefaultMetrics, Gauge, Histogram } from 'prom-client';

export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** A gauge whose value is read when Prometheus scrapes, from a function that may query. */
  gaugeOnScrape: (name: string, help: string, labels: string[], read: () => Promise<{ labels?: Record<string, string>; value: number }[]>) => void;
};

/** One registry per platform, so tests that start several platforms in one process never share metrics. */
export const createMetrics = (): Metrics => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'agent_platform_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'agent_platform_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    gaugeOnScrape: (name, help, labels, read) => {
      new Gauge({
        name,
        help,
        labelNames: labels,
        registers: [registry],
        async collect() {
          this.reset();
          for (const sample of await read()) {
            if (sample.labels) this.set(sample.labels, sample.value);
            else this.set(sample.value);
          }
        },
      });
    },
  };
};
