import { pino, type Logger } from 'pino';

/** A log line as pino writes it, parsed: `msg`, `level` and the line's context. */
export type LogLine = { msg: string; level: number; [field: string]: unknown };

/** A logger that keeps its lines, parsed, for a spec to count what was logged and how often. */
export const capturingLogger = (): { log: Logger; lines: LogLine[] } => {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
};
