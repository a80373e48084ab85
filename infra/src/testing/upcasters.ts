import { SessionClosed } from '@agent-platform/contracts';
import { createUpcaster } from '../event-store/upcasting.js';

export const UNLIFTABLE_SESSION_CLOSED = 'a version 1 SessionClosed without a session id';

/**
 * An upcaster that takes SessionClosed for version 2, with a step from version 1 that refuses data
 * without a session id: a stored `SessionClosed` at version 1 without one is an event it cannot lift.
 */
export const strictSessionClosedUpcaster = () =>
  createUpcaster([
    {
      ...SessionClosed,
      version: 2,
      upcasters: {
        1: (data) => {
          if ((data as { session_id?: unknown }).session_id === undefined) throw new Error(UNLIFTABLE_SESSION_CLOSED);
          return data;
        },
      },
    },
  ]);
