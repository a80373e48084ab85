import pg from 'pg';
import type { WakeupHub } from '../wakeups.js';

export const APPEND_CHANNEL = 'ap_events';

/**
 * Sends NOTIFY after appends, at most one in flight: a burst of appends costs one or two
 * notifications, and no append waits for it. NOTIFY is kept out of the append transaction on
 * purpose: PostgreSQL serialises the commits of notifying transactions on one global lock.
 * It goes over the listening connection when there is one, so it never takes a pool slot from appenders.
 */
export const createAppendNotifier = (send: () => Promise<unknown>): (() => void) => {
  let inFlight = false;
  let again = false;
  const notify = (): void => {
    inFlight = true;
    again = false;
    send()
      .catch(() => undefined)
      .finally(() => {
        inFlight = false;
        if (again) notify();
      });
  };
  return () => {
    if (inFlight) again = true;
    else notify();
  };
};

/** LISTENs on a dedicated connection and signals the hub; reconnects after a lost connection. */
export const listenForAppends = (
  connectionString: string,
  hub: WakeupHub,
  onError: (error: unknown) => void = () => undefined,
): { ready: Promise<void>; notify: () => Promise<unknown>; close: () => Promise<void> } => {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: 'agent-platform-listen' });
    next.on('error', (error) => {
      onError(error);
      scheduleReconnect();
    });
    await next.connect();
    // Our own NOTIFY (sent over this connection) comes back too; the append that sent it signalled already.
    const ownPid = (await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    next.on('notification', (message) => {
      if (message.processId !== ownPid) hub.signal();
    });
    await next.query(`LISTEN ${APPEND_CHANNEL}`);
    client = next;
    // Appends made while we were not listening are found by this read.
    hub.signal();
  };
  const scheduleReconnect = () => {
    if (closed || retry) return;
    client?.end().catch(() => undefined);
    client = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error) => {
        onError(error);
        scheduleReconnect();
      });
    }, 1000);
  };

  return {
    ready: connect(),
    notify: () => (client ? client.query(`NOTIFY ${APPEND_CHANNEL}`) : Promise.reject(new Error('not listening'))),
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
};
