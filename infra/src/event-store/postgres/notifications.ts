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

/** What every listening connection is called, so that each can see whether any other listens. */
export const LISTEN_APPLICATION_NAME = 'agent-platform-listen';

const OTHERS_LISTENING = `SELECT EXISTS (
  SELECT 1 FROM pg_stat_activity
  WHERE datname = current_database() AND application_name = '${LISTEN_APPLICATION_NAME}' AND pid <> pg_backend_pid()
) AS others`;

export type AppendListener = {
  ready: Promise<void>;
  notify: () => Promise<unknown>;
  /**
   * Whether a listening connection other than this one was there at the last check (every
   * `othersCheckMs`); true until the first check answers, and after a failed one. Alone, a process's
   * NOTIFY would only come back to itself: its own readers are signalled in process.
   */
  othersListening: () => boolean;
  close: () => Promise<void>;
};

/** LISTENs on a dedicated connection and signals the hub; reconnects after a lost connection. */
export const listenForAppends = (
  connectionString: string,
  hub: WakeupHub,
  onError: (error: unknown) => void = () => undefined,
  othersCheckMs = 1000,
): AppendListener => {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let others = true;

  const checkOthers = async (): Promise<void> => {
    try {
      others = client ? (await client.query<{ others: boolean }>(OTHERS_LISTENING)).rows[0]!.others : true;
    } catch {
      others = true;
    }
  };
  const checker = setInterval(() => void checkOthers(), othersCheckMs);
  checker.unref();

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString, application_name: LISTEN_APPLICATION_NAME });
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
    await checkOthers();
    // Appends made while we were not listening are found by this read.
    hub.signal();
  };
  const scheduleReconnect = () => {
    if (closed || retry) return;
    client?.end().catch(() => undefined);
    client = undefined;
    others = true;
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
    othersListening: () => others,
    close: async () => {
      closed = true;
      clearInterval(checker);
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
};
