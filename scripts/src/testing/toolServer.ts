import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ToolCall = { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown };

export type ToolServer = {
  /** `http://127.0.0.1:<port>`: what a tool version's `base_url` points at. */
  url: string;
  /** `127.0.0.1:<port>`, for `AGENT_PLATFORM_TOOL_ALLOWED_HOSTS`. */
  host: string;
  calls: ToolCall[];
  /** Effects done: one per distinct `Idempotency-Key`, as a tool that honours the key would act. */
  effects: () => number;
  close: () => Promise<void>;
};

/**
 * An HTTP tool for tests: `POST /orders/lookup` answers `{ order_id, status: "shipped" }` for the order id
 * it is sent. It records every call and, like a well-behaved tool, acts once per idempotency key.
 * `/echo` answers the headers it was sent, as many debugging services do, and `/echo-fail` answers 400
 * with its `authorization` after padding that puts the error excerpt's cut (500 characters) inside the
 * credential's sixth character. `/unstorable` answers a NUL in a string and arrays nested 5,000 deep.
 */
export const startToolServer = async (options: { hangFirstCall?: boolean } = {}): Promise<ToolServer> => {
  const calls: ToolCall[] = [];
  const keys = new Set<string>();
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const text = Buffer.concat(parts).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string') keys.add(key);
      // It acted, but its answer never leaves: the caller dies waiting, as a process killed mid-call would.
      if (options.hangFirstCall && calls.length === 1) return;
      if (req.url === '/echo') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ headers: req.headers }));
      }
      if (req.url === '/unstorable') {
        // What a hostile or broken host can answer that PostgreSQL cannot store, or recursion cannot walk.
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(`{"note":"a\\u0000b","deep":${'['.repeat(5000)}${']'.repeat(5000)}}`);
      }
      if (req.url === '/echo-fail') {
        res.writeHead(400, { 'content-type': 'application/json' });
        // `{"p":"` + padding + `","authorization":"Bearer ` is 495 characters.
        return res.end(JSON.stringify({ p: 'x'.repeat(463), authorization: req.headers.authorization }));
      }
      const orderId = (body as { order_id?: unknown } | undefined)?.order_id ?? null;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ order_id: orderId, status: 'shipped' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    calls,
    effects: () => keys.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
