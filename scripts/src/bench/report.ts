import type { HttpOutcome } from './http.js';
import type { Cell, Timing } from './measure.js';
import { formatTable, type Column } from './table.js';

export type Kind = 'agent-platform' | 'raw' | 'emmett';
export type RowResult = { label: string; kind: Kind; batch: number; cells: readonly Cell[] };

const COLUMNS: Column[] = [
  { title: 'measurement', align: 'left' },
  { title: 'clients', align: 'right' },
  { title: 'ops/s', align: 'right' },
  { title: 'events/s', align: 'right' },
  { title: 'p50 ms', align: 'right' },
  { title: 'p99 ms', align: 'right' },
  { title: 'compared with peers', align: 'left' },
];

const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(2);

/** An agent-platform cell against the raw insert and Emmett cells of the same batch size and clients. */
const comparison = (row: RowResult, cell: Cell, rows: readonly RowResult[]): string => {
  if (row.kind !== 'agent-platform') return '';
  const peer = (kind: Kind): Cell | undefined =>
    rows
      .find((r) => r.kind === kind && r.batch === row.batch)
      ?.cells.find((c) => c.concurrency === cell.concurrency);
  const ratio = (kind: Kind, name: string): string[] => {
    const other = peer(kind);
    return other ? [`${(cell.opsPerSecond / other.opsPerSecond).toFixed(2)}× ${name}`] : [];
  };
  return [...ratio('raw', 'raw'), ...ratio('emmett', 'emmett')].join(', ');
};

const httpRow = (label: string, clients: number, outcome: HttpOutcome): string[] =>
  'cell' in outcome
    ? [label, String(clients), count(outcome.cell.opsPerSecond), '-', ms(outcome.cell.p50Ms), ms(outcome.cell.p99Ms)]
    : [label, String(clients), '-', '-', '-', '-', `not measured: ${outcome.notMeasured}`];

export const formatReport = (
  machine: readonly string[],
  timing: Timing,
  rows: readonly RowResult[],
  http: { label: string; clients: number; outcome: HttpOutcome },
): string => {
  const tableRows = rows.flatMap((row) =>
    row.cells.map((cell) => [
      row.label,
      String(cell.concurrency),
      count(cell.opsPerSecond),
      count(cell.opsPerSecond * row.batch),
      ms(cell.p50Ms),
      ms(cell.p99Ms),
      comparison(row, cell, rows),
    ]),
  );
  tableRows.push(httpRow(http.label, http.clients, http.outcome));
  return [
    ...machine,
    `Each cell:   ${timing.warmupMs / 1000} s warm-up, then ${timing.durationMs / 1000} s measured; ` +
      'pg pool size = clients',
    '',
    formatTable(COLUMNS, tableRows),
    '',
    'ops = appends (agent-platform, Emmett), INSERT statements (raw) or HTTP commands; each append and',
    'INSERT is one committed transaction. Ratios compare ops/s at the same batch size and clients.',
  ].join('\n');
};
