import { RELAY_LINGER_MS, type LagCell } from './lag.js';
import type { Outcome, Timing } from './measure.js';
import { EVENTS_PER_STREAM } from './events.js';
import { FILL_BATCH, RELAY_EVENTS, type RelayResult } from './relay.js';
import { formatTable, type Column } from './table.js';

/** A sustained append rate the relay must keep up with: an agent-platform row at 16 clients. */
export type AppendRate = { name: string; eventsPerSecond: number };

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const percent = (share: number): string => `${Math.round(share * 100)}%`;

const RELAY_COLUMNS: Column[] = [
  { title: 'measurement', align: 'left' },
  { title: 'events/s', align: 'right' },
  { title: 'compared with', align: 'left' },
];

const relaySection = (outcome: Outcome<RelayResult>, appends: readonly AppendRate[]): string[] => {
  const title =
    `Relay: ${count(RELAY_EVENTS)} SessionMessageAppended events in ${count(RELAY_EVENTS / EVENTS_PER_STREAM)} ` +
    `streams (${FILL_BATCH} per append),\nfrom the log start until the JetStream ack of the last`;
  if (!('result' in outcome)) return [title, '', `not measured: ${outcome.notMeasured}`];
  const { relayPerSecond, rawPerSecond, shares } = outcome.result;
  const versusAppends = appends.map((a) => `${ratio(relayPerSecond, a.eventsPerSecond)} ${a.name}`).join(', ');
  return [
    title,
    '',
    formatTable(RELAY_COLUMNS, [
      ['relay (startRelay, pages of 500)', count(relayPerSecond), `${ratio(relayPerSecond, rawPerSecond)} raw publish`],
      ['', '', `${versusAppends} at 16 clients`],
      ['raw JetStream publish (500 in flight)', count(rawPerSecond), ''],
    ]),
    '',
    `Relay time: ${percent(shares.read)} reading the log, ${percent(shares.publish)} awaiting publish acks, ` +
      `${percent(shares.rest)} envelopes and checkpoint.`,
  ];
};

const LAG_COLUMNS: Column[] = [
  'offered/s',
  'accepted/s',
  'handled/s',
  'accept p99 ms',
  'relayed p99 ms',
  'lag p50 ms',
  'lag p99 ms',
].map(
  (title) => ({ title, align: 'right' }),
);

const lagSection = (outcome: Outcome<LagCell[]>, timing: Timing): string[] => {
  const title =
    'End-to-end lag, command accepted → processor handler invoked: open-loop OpenSession through ' +
    `sendCommand,\nthe relay on NATS (lingering ${RELAY_LINGER_MS} ms after a page, as the platform's does) and a processor runtime, in one process; ` +
    `${timing.warmupMs / 1000} s warm-up, ` +
    `then ${timing.durationMs / 1000} s measured per rate`;
  if (!('result' in outcome)) return [title, '', `not measured: ${outcome.notMeasured}`];
  const ms = (n: number): string => n.toFixed(1);
  return [
    title,
    '',
    formatTable(
      LAG_COLUMNS,
      outcome.result.map((c) => [
        count(c.offered),
        count(c.acceptedPerSecond),
        count(c.handledPerSecond),
        ms(c.acceptP99Ms),
        ms(c.relayedP99Ms),
        ms(c.lagP50Ms),
        ms(c.lagP99Ms),
      ]),
    ),
    '',
    'accept = from the moment the command was due until sendCommand resolved; relayed = from then until',
    'JetStream acked the page holding its event; lag = from acceptance until the processor handler saw it.',
  ];
};

export const formatPipelineReport = (
  relay: Outcome<RelayResult>,
  appends: readonly AppendRate[],
  lag: Outcome<LagCell[]>,
  lagTiming: Timing,
): string => [...relaySection(relay, appends), '', ...lagSection(lag, lagTiming)].join('\n');
