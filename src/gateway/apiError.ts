import type { ServerResponse } from 'node:http';

/**
 * Answers with the Messages API's error shape, so Claude Code and the SDKs show it as an API
 * error. Tally's own refusals say `x-should-retry: false`: retrying cannot change the answer.
 */
export function sendApiError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'error', error: { type, message } });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-should-retry': 'false',
  });
  res.end(body);
}
