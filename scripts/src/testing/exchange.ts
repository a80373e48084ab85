/** An answer as the suites that walk the document judge it: its status, media type and text. */
export type Exchange = { status: number; type: string; text: string };

export type ExchangeRequest = { method: string; path: string; headers: Record<string, string>; body?: string };

/**
 * One request, bounded in time: a live stream opened by a request that should have been refused must not
 * hang the suite. A request that gets no answer is an exchange too (status 0), reported like any other
 * answer that did not hold, not a crash of the suite.
 */
export const exchange = async (url: string, request: ExchangeRequest, timeoutMs: number): Promise<Exchange> => {
  const { method, headers, body } = request;
  try {
    const response = await fetch(`${url}${request.path}`, { method, headers, signal: AbortSignal.timeout(timeoutMs), ...(body !== undefined ? { body } : {}) });
    const text = await response.text().catch(() => `<still answering after ${timeoutMs} ms>`);
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  } catch (error) {
    return { status: 0, type: '', text: `<no answer: ${String(error)}>` };
  }
};
