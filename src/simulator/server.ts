// A fake Anthropic Messages API for tests and simulations: faithful where Tally depends on it
// (auth, errors, SSE event sequence, usage with prompt caching, count_tokens), with injectable faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { PromptCache, type CacheUsage } from './cache.js';
import { FaultQueue, parseFault, type Fault, type FaultInput } from './faults.js';
import { modelsResponse } from './models.js';
import { parsePrompt, RequestRejection, type ParsedPrompt } from './prompt.js';
import { apiBlock, composeReply, scriptedReply, type ReplyStyle } from './reply.js';
import { parseScriptedReply, ReplyScript, type ScriptedReplyInput } from './script.js';

export interface FakeAnthropicOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** The fake's clock runs this many times faster than real time: cache entries expire N× sooner. */
  timeScale?: number;
  /** Keys accepted (as `authorization: Bearer` or `x-api-key`); when absent any non-empty key is. */
  apiKeys?: string[];
  /** Unscripted replies: sized filler (tests, the default) or answers that read like a model's (the demo). */
  replyStyle?: ReplyStyle;
  /** Milliseconds before the first streamed token and between deltas, as a real model streams (default: as fast as possible). */
  pace?: { firstTokenMs: number; deltaMs: number };
  /** Real-time source in ms (tests pass a manual clock to step past cache expiry); default Date.now. */
  clock?: () => number;
}

export interface RecordedRequest {
  /** Fake-clock time (ms) the request arrived. */
  at: number;
  method: string;
  path: string;
  /** Path and query string as sent (e.g. /v1/messages?beta=true). */
  url: string;
  /** Request headers, lower-cased, with credential values replaced by "[redacted]". */
  headers: Record<string, string>;
  auth: 'bearer' | 'x-api-key' | null;
  body: unknown;
  status: number;
  requestId: string;
  /** The reply's message id (msg_...), once the request got as far as a reply. */
  messageId: string | null;
  fault: Fault['type'] | null;
  /** Usage the response reported (for /v1/messages that got as far as processing the prompt). */
  usage: (CacheUsage & { output_tokens: number }) | null;
}

export interface FakeAnthropic {
  url: string;
  close(): Promise<void>;
  injectFault(fault: FaultInput): void;
  /** The next matching /v1/messages requests reply with exactly these blocks (see script.ts). */
  scriptReply(reply: ScriptedReplyInput): void;
  requests: RecordedRequest[];
  clearCache(): void;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const RATE_LIMIT_HEADERS: ReadonlyArray<[string, string]> = [
  ['anthropic-ratelimit-requests-limit', '4000'],
  ['anthropic-ratelimit-input-tokens-limit', '2000000'],
  ['anthropic-ratelimit-output-tokens-limit', '400000'],
];

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const clock = options.clock ?? Date.now;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`timeScale must be positive, got ${timeScale}`);
  const epoch = clock();
  const now = () => epoch + (clock() - epoch) * timeScale;
  const keys = options.apiKeys ? new Set(options.apiKeys) : null;

  const cache = new PromptCache();
  const faults = new FaultQueue();
  const script = new ReplyScript();
  const requests: RecordedRequest[] = [];
  let counter = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `fake server bug: ${(error as Error).message}`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    const requestId = `req_fake_${(++counter).toString(16).padStart(8, '0')}`;
    res.setHeader('request-id', requestId);
    const raw = await readBody(req);

    if (path.startsWith('/_fake/')) return control(req.method ?? 'GET', path, raw, res);

    const record: RecordedRequest = {
      at: now(),
      method: req.method ?? 'GET',
      path,
      url,
      headers: redactedHeaders(req),
      auth: null,
      body: undefined,
      status: 0,
      requestId,
      messageId: null,
      fault: null,
      usage: null,
    };
    requests.push(record);
    const reject = (status: number, type: string, message: string) => {
      record.status = status;
      sendError(res, status, type, message, requestId);
    };

    const isMessages = path === '/v1/messages';
    const isModels = path === '/v1/models' || path.startsWith('/v1/models/');
    const wrongRoute = isModels ? req.method !== 'GET' : req.method !== 'POST' || (!isMessages && path !== '/v1/messages/count_tokens');
    if (wrongRoute) return reject(404, 'not_found_error', `Not Found: ${req.method} ${path}`);
    const credential = readCredential(req);
    record.auth = credential?.scheme ?? null;
    if (!credential || !credential.key || (keys && !keys.has(credential.key))) {
      return reject(401, 'authentication_error', credential?.scheme === 'bearer' ? 'invalid bearer token' : 'invalid x-api-key');
    }
    if (!req.headers['anthropic-version']) {
      return reject(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    // The real API reports the organisation's rate limits on every authenticated answer.
    for (const [name, value] of RATE_LIMIT_HEADERS) res.setHeader(name, value);
    if (isModels) {
      try {
        const listed = modelsResponse(path, new URLSearchParams(url.slice(path.length)));
        record.status = 200;
        return sendJson(res, 200, listed);
      } catch (error) {
        if (error instanceof RequestRejection) return reject(error.status, error.type, error.message);
        throw error;
      }
    }
    try {
      record.body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reject(400, 'invalid_request_error', 'There was an issue with the request body: not valid JSON');
    }
    let prompt: ParsedPrompt;
    try {
      prompt = parsePrompt(record.body, isMessages ? 'messages' : 'count_tokens');
    } catch (error) {
      if (error instanceof RequestRejection) return reject(error.status, error.type, error.message);
      throw error;
    }

    if (!isMessages) {
      record.status = 200;
      return sendJson(res, 200, { input_tokens: prompt.totalTokens });
    }

    const fault = faults.take();
    record.fault = fault?.type ?? null;
    if (fault?.type === 'rate_limit') {
      res.setHeader('retry-after', String(fault.retryAfterSeconds));
      return reject(429, 'rate_limit_error', 'This request would exceed the rate limit for your organization. Please try again later.');
    }
    if (fault?.type === 'overloaded') return reject(529, 'overloaded_error', 'Overloaded');
    if (fault?.type === 'server_error') return reject(500, 'api_error', 'Internal server error');
    if (fault?.type === 'stall') {
      await delay(fault.delayMs);
      if (res.destroyed) return;
    }

    const cacheUsage = cache.apply(prompt, now());
    const serial = counter.toString(16).padStart(8, '0');
    const scripted = script.take(prompt.toolNames);
    const reply = scripted
      ? scriptedReply(scripted, prompt.model.family, (index) => `toolu_fake_${serial}_${index}`)
      : composeReply(prompt.lastUserText, prompt.model.family, prompt.maxTokens, options.replyStyle);
    record.usage = { ...cacheUsage, output_tokens: reply.outputTokens };
    record.status = 200;
    const messageId = `msg_fake_${serial}`;
    record.messageId = messageId;
    const deltaCount = reply.content.reduce((sum, block) => sum + block.deltas.length, 0);

    if (!prompt.stream) {
      // Stream faults, as a non-streaming request meets them: no reply, a late reply, an error status.
      if (fault?.type === 'drop') return dropConnection(res);
      if (fault?.type === 'slow') await delay(fault.delayMs * deltaCount);
      if (fault?.type === 'stream_error') {
        return reject(fault.errorType === 'overloaded_error' ? 529 : 500, fault.errorType, 'Injected error');
      }
      if (res.destroyed) return;
      return sendJson(res, 200, {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: prompt.model.id,
        content: reply.content.map((block) => apiBlock(block)),
        stop_reason: reply.stopReason,
        stop_sequence: null,
        ...reportedUsage(fault, 'start', { ...cacheUsage, output_tokens: reply.outputTokens }),
      });
    }

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send('message_start', {
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: prompt.model.id,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        ...reportedUsage(fault, 'start', { ...cacheUsage, output_tokens: 1 }),
      },
    });
    let sent = 0;
    for (const [index, block] of reply.content.entries()) {
      send('content_block_start', { index, content_block: apiBlock(block, { opening: true }) });
      if (index === 0) send('ping', {});
      if (index === 0 && options.pace) await delay(options.pace.firstTokenMs);
      for (const piece of block.deltas) {
        if (fault?.type === 'drop' && sent >= fault.afterDeltas) return dropConnection(res);
        if (fault?.type === 'stream_error' && sent >= fault.afterDeltas) {
          const message = fault.errorType === 'overloaded_error' ? 'Overloaded' : `Injected ${fault.errorType}`;
          res.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: fault.errorType, message } })}\n\n`);
          return;
        }
        if (fault?.type === 'slow') await delay(fault.delayMs);
        else if (options.pace) await delay(options.pace.deltaMs);
        else await new Promise((resolve) => setImmediate(resolve)); // let each delta leave on its own
        if (res.destroyed) return;
        const delta = block.type === 'text' ? { type: 'text_delta', text: piece } : { type: 'input_json_delta', partial_json: piece };
        send('content_block_delta', { index, delta });
        sent++;
      }
      if (fault?.type === 'drop' && index === reply.content.length - 1) return dropConnection(res);
      send('content_block_stop', { index });
    }
    send('message_delta', {
      delta: { stop_reason: reply.stopReason, stop_sequence: null },
      ...reportedUsage(fault, 'delta', { output_tokens: reply.outputTokens }),
    });
    send('message_stop', {});
    res.end();
  }

  /** `{ usage }` as the reply reports it: the true counts, unless a bad_usage fault replaces them at this point. */
  function reportedUsage(fault: Fault | undefined, at: 'start' | 'delta', usage: object): { usage?: unknown } {
    if (fault?.type !== 'bad_usage' || (fault.at !== at && fault.at !== 'both')) return { usage };
    return 'usage' in fault && fault.usage !== undefined ? { usage: fault.usage } : {};
  }

  function control(method: string, path: string, raw: Buffer, res: ServerResponse): void {
    if (method === 'POST' && path === '/_fake/fault') {
      try {
        faults.add(parseFault(JSON.parse(raw.toString('utf8') || 'null')));
      } catch (error) {
        return sendJson(res, 400, { error: (error as Error).message });
      }
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/_fake/reply') {
      try {
        script.add(parseScriptedReply(JSON.parse(raw.toString('utf8') || 'null')));
      } catch (error) {
        return sendJson(res, 400, { error: (error as Error).message });
      }
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/_fake/clear-cache') {
      cache.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'POST' && path === '/_fake/reset') {
      cache.clear();
      faults.clear();
      script.clear();
      requests.length = 0;
      return sendJson(res, 200, { ok: true });
    }
    if (method === 'GET' && path === '/_fake/requests') return sendJson(res, 200, requests);
    if (method === 'GET' && path === '/_fake/state')
      return sendJson(res, 200, { now: now(), timeScale, liveCacheEntries: cache.size(now()) });
    return sendJson(res, 404, { error: `unknown control endpoint ${method} ${path}` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    injectFault: (fault) => faults.add(parseFault(fault)),
    scriptReply: (reply) => script.add(parseScriptedReply(reply)),
    clearCache: () => cache.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Closes the socket once what was written has left, without ending the chunked body: a dropped connection. */
function dropConnection(res: ServerResponse): void {
  res.socket?.destroySoon();
}

function readCredential(req: IncomingMessage): { scheme: 'bearer' | 'x-api-key'; key: string } | null {
  const authorization = req.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.*)$/i.exec(authorization);
    return { scheme: 'bearer', key: match ? match[1]!.trim() : '' };
  }
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string') return { scheme: 'x-api-key', key: apiKey.trim() };
  return null;
}

function redactedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = name === 'authorization' || name === 'x-api-key' ? '[redacted]' : String(value);
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The real API's error shape: {"type":"error","error":{"type","message"},"request_id"}. */
export function sendError(res: ServerResponse, status: number, type: string, message: string, requestId?: string): void {
  sendJson(res, status, { type: 'error', error: { type, message }, ...(requestId ? { request_id: requestId } : {}) });
}
