// Sends one request upstream and relays the answer: status, headers and body bytes as they
// arrive (no buffering), with backpressure both ways. A tap sees the same bytes, decompressed,
// for metering. Client and upstream failures end in one result that says what happened.
import * as http from 'node:http';
import * as https from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { endToEnd, rawHeader } from './headers.js';

export interface Upstream {
  url: URL;
  agent: http.Agent;
  request: typeof http.request;
}

/** Keep-alive sockets to the upstream, so each request skips the TCP (and TLS) handshake. */
export function openUpstream(base: string): Upstream {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`upstream ${base} must be an http:// or https:// URL`);
  const secure = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 256, scheduling: 'lifo' as const };
  return secure
    ? { url, agent: new https.Agent(agentOptions), request: https.request }
    : { url, agent: new http.Agent(agentOptions), request: http.request };
}

export interface ForwardRequest {
  method: string;
  /** The API path and query, e.g. /v1/messages?beta=true (the upstream's own path prefix is added). */
  path: string;
  headers: string[];
  body: Buffer | null;
  /** Given the upstream's status and headers: a function that sees each body byte (decompressed), or null. */
  tapFor?: (status: number, headers: readonly string[]) => ((chunk: Buffer) => void) | null;
}

export interface ForwardResult {
  /** The request left for the upstream in full (it may have been processed, and billed). */
  reached: boolean;
  status: number | null;
  requestId: string | null;
  /** The upstream sent its whole body. */
  complete: boolean;
  /** The client went away before the answer was complete. */
  clientGone: boolean;
  error: Error | null;
}

export interface Forwarding {
  done: Promise<ForwardResult>;
  /** Stops relaying (shutdown): the upstream request and the client's response are closed. */
  abort(): void;
}

export function forward(upstream: Upstream, request: ForwardRequest, res: http.ServerResponse): Forwarding {
  let resolveDone!: (result: ForwardResult) => void;
  const done = new Promise<ForwardResult>((resolve) => (resolveDone = resolve));
  const result: ForwardResult = { reached: false, status: null, requestId: null, complete: false, clientGone: false, error: null };
  let settled = false;
  let current: http.ClientRequest | undefined;
  let tapDone: Promise<void> = Promise.resolve();

  const settle = () => {
    if (settled) return;
    settled = true;
    void tapDone.then(() => resolveDone(result));
  };

  const onClientClose = () => {
    if (res.writableFinished) return;
    result.clientGone = true;
    current?.destroy();
    settle();
  };
  res.once('close', onClientClose);

  const send = () => {
    const base = upstream.url.pathname.replace(/\/+$/, '');
    const outgoing = upstream.request({
      protocol: upstream.url.protocol,
      hostname: upstream.url.hostname,
      port: upstream.url.port || undefined,
      method: request.method,
      path: base + request.path,
      headers: request.headers,
      agent: upstream.agent,
      setHost: false,
    });
    current = outgoing;
    outgoing.once('socket', (socket) => socket.setNoDelay(true));
    outgoing.once('finish', () => (result.reached = true));
    outgoing.once('response', (upstreamRes) => relay(upstreamRes));
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      // No retry here, even on a kept-alive socket the server had just closed: a request that got
      // there may have been billed, so the client (which retries connection errors) decides.
      result.error = error;
      // The client sees what it would have seen without the gateway: the connection cut. Before
      // anything was sent the caller answers instead (there is nothing to be faithful to).
      if (result.reached || result.status !== null) res.destroy();
      settle();
    });
    outgoing.end(request.body ?? undefined);
  };

  const relay = (upstreamRes: http.IncomingMessage) => {
    result.reached = true;
    result.status = upstreamRes.statusCode ?? 502;
    result.requestId = rawHeader(upstreamRes.rawHeaders, 'request-id') ?? null;
    const tap = request.tapFor?.(result.status, upstreamRes.rawHeaders) ?? null;
    const decoded = tap ? decodedTap(rawHeader(upstreamRes.rawHeaders, 'content-encoding'), tap) : null;
    if (decoded) tapDone = decoded.finished;
    // A cut is seen as 'close' without 'end' (below); the error event itself says nothing more.
    upstreamRes.on('error', () => undefined);
    if (result.clientGone) {
      upstreamRes.destroy();
      return;
    }
    res.writeHead(result.status, upstreamRes.statusMessage, endToEnd(upstreamRes.rawHeaders));
    // Headers leave with the first body bytes when those came in the same read (one write, not two),
    // and on their own when the body is slower, so the client sees them when the upstream sent them.
    let relayed = false;
    setImmediate(() => {
      if (!relayed && !res.destroyed) res.flushHeaders();
    });
    upstreamRes.on('data', (chunk: Buffer) => {
      relayed = true;
      // The client's bytes first: metering must not delay them.
      if (!result.clientGone && !res.write(chunk)) {
        upstreamRes.pause();
        res.once('drain', () => upstreamRes.resume());
      }
      decoded?.push(chunk);
    });
    upstreamRes.once('end', () => {
      result.complete = true;
      decoded?.end();
      res.end();
    });
    upstreamRes.once('close', () => {
      if (result.complete) {
        // The client's response ends when its last bytes leave; settle then (or when the client goes).
        if (res.writableFinished) settle();
        else res.once('finish', settle);
        return;
      }
      // The upstream dropped mid-answer: the client sees the same cut.
      decoded?.end();
      if (!result.clientGone) res.destroy();
      settle();
    });
  };

  send();
  return {
    done,
    abort: () => {
      current?.destroy();
      if (!res.writableFinished) {
        result.clientGone = true;
        res.destroy();
      }
      settle();
    },
  };
}

/** The tap behind a decompressor when the body is compressed; the tap sees text either way. */
function decodedTap(
  encoding: string | undefined,
  tap: (chunk: Buffer) => void,
): { push(chunk: Buffer): void; end(): void; finished: Promise<void> } {
  const kind = encoding?.trim().toLowerCase();
  const decoder: Transform | null =
    kind === 'gzip' || kind === 'x-gzip'
      ? createGunzip()
      : kind === 'br'
        ? createBrotliDecompress()
        : kind === 'deflate'
          ? createInflate()
          : null;
  if (!decoder) return { push: tap, end: () => undefined, finished: Promise.resolve() };
  const finished = new Promise<void>((resolve) => {
    decoder.on('data', tap);
    decoder.once('end', resolve);
    decoder.once('error', () => resolve()); // a cut stream: the meter keeps what it decoded
    decoder.once('close', resolve);
  });
  return { push: (chunk) => decoder.write(chunk), end: () => decoder.end(), finished };
}
