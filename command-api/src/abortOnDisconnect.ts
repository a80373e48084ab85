import type { Response } from 'express';

/** Cancels the work behind a request when the client goes away before the answer is complete: nobody would read it. */
export const abortOnDisconnect = (res: Response): AbortSignal => {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
};
