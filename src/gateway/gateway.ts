// The Tally gateway: a loopback server speaking Anthropic's Messages API, so any client that
// takes a base URL is metered, budgeted and (when asked) routed. Order of a request:
// Host check → token → endpoint → body → (prepare.ts) loop guard, opt-in routing and caching, budget →
// upstream (bytes relayed as they arrive) → exactly one ledger entry if it reached the upstream.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryBudgetGuard, type BudgetGuard } from '../core/budget/index.js';
import type { Ledger } from '../core/ledger/index.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import { estimateTextTokens } from '../core/tokens/estimator.js';
import { allowedHosts, splitTokenPath, TokenRegistry, type Workspace } from './access.js';
import { sendApiError } from './apiError.js';
import { createBudgetGate, type BudgetGate } from './budgetGate.js';
import { countPromptTokens } from './countTokens.js';
import { clientName } from './clientName.js';
import { hasCredential, rawHeader, TOKEN_HEADER, upstreamRequestHeaders } from './headers.js';
import { ReplyMeter, type MeterReading } from './meter.js';
import { DEFAULT_POLICY, type GatewayPolicy } from './policy.js';
import { prepareRequest, type Prepared } from './prepare.js';
import { forward, openUpstream, type Forwarding, type ForwardResult } from './proxy.js';
import { createRecorder } from './recorder.js';
import { GatewayRouter } from './routing.js';
import { DEFAULT_UPSTREAM } from './upstreamUrl.js';

/** The Messages API's own request limit. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
export { DEFAULT_POLICY, type GatewayPolicy };

export interface GatewayOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  upstream?: string;
  priceTable: PriceTable;
  ledger: Pick<Ledger, 'append' | 'spend'>;
  /** The workspace the first token is issued for. */
  workspace: Workspace;
  /** The first token (e.g. from a token file); random when absent. */
  token?: string;
  /** The user's key, added to requests whose client sends none (never to those that send their own). */
  apiKey?: () => string | undefined | Promise<string | undefined>;
  policy?: (workspacePath: string) => GatewayPolicy;
  /** The model routing savings are measured against (default: the sonnet tier). */
  defaultModel?: string;
  /** Problems worth telling the user (a ledger write that failed); never includes a key. */
  onProblem?: (message: string) => void;
  clock?: () => number;
  /** Reservations for hard budgets: openBudgetGuard(ledgerDir, ledger) to share them with every process on the ledger (default: this process only). */
  budgetGuard?: BudgetGuard;
  /** Replaces the budget check altogether (tests). */
  budgetGate?: BudgetGate;
}

export interface Gateway {
  readonly port: number;
  /** The first token's base URL: http://127.0.0.1:PORT/t/TOKEN. */
  readonly baseUrl: string;
  readonly token: string;
  issueToken(workspace: Workspace, token?: string): { token: string; baseUrl: string };
  revokeToken(token: string): void;
  /** Requests being relayed now. */
  inFlight(): number;
  /**
   * Stops taking requests, lets those in flight finish for up to `graceMs` (default 10 s), then
   * cuts the rest; every one that reached the upstream has its ledger entry before this resolves.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

type Endpoint = 'messages' | 'count_tokens' | 'models';

function endpointOf(method: string, pathname: string): Endpoint | null {
  if (pathname === '/v1/messages' && method === 'POST') return 'messages';
  if (pathname === '/v1/messages/count_tokens' && method === 'POST') return 'count_tokens';
  if ((pathname === '/v1/models' || pathname.startsWith('/v1/models/')) && method === 'GET') return 'models';
  return null;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const clock = options.clock ?? Date.now;
  const table = options.priceTable;
  const upstream = openUpstream(options.upstream ?? DEFAULT_UPSTREAM);
  const policyFor = options.policy ?? (() => DEFAULT_POLICY);
  const problem = options.onProblem ?? (() => undefined);
  const gate =
    options.budgetGate ??
    createBudgetGate(options.budgetGuard ?? memoryBudgetGuard(options.ledger), table, (path) => policyFor(path).budget);
  const recorder = createRecorder({
    ledger: options.ledger,
    priceTable: table,
    ...(options.defaultModel ? { defaultModel: options.defaultModel } : {}),
    onProblem: problem,
  });
  const router = new GatewayRouter(table);
  const tokens = new TokenRegistry();
  const active = new Set<{ abort: () => void; finished: Promise<void> }>();
  let closing = false;
  let hosts: ReadonlySet<string> = new Set();

  const server = createServer({ noDelay: true }, (req, res) => {
    let abort: () => void = () => void res.destroy();
    const exchange = {
      abort: () => abort(),
      finished: handle(req, res, (forwarding) => (abort = forwarding.abort)).catch((error: unknown) => {
        problem(`gateway error: ${(error as Error).message}`);
        sendApiError(res, 500, 'api_error', `Tally gateway: internal error: ${(error as Error).message}`);
      }),
    };
    active.add(exchange);
    void exchange.finished.finally(() => active.delete(exchange));
  });
  // Clients keep connections open between an agent's steps: closing an idle one just as a client
  // reuses it costs that client a failed request, so idle connections are kept longer than Node's 5 s.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  async function handle(req: IncomingMessage, res: ServerResponse, onForward: (forwarding: Forwarding) => void): Promise<void> {
    const startedAt = clock();
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      req.resume();
      return sendApiError(
        res,
        403,
        'permission_error',
        `Tally gateway: requests must be addressed to 127.0.0.1:${port} (Host was "${host}")`,
      );
    }
    const { token: pathToken, path } = splitTokenPath(req.url ?? '/');
    const headerToken = req.headers[TOKEN_HEADER];
    const workspace = tokens.workspaceOf(pathToken ?? (typeof headerToken === 'string' ? headerToken : undefined));
    if (!workspace) {
      req.resume();
      return sendApiError(
        res,
        401,
        'authentication_error',
        'Tally gateway: missing or wrong gateway token; use the base URL `tally gateway` printed (http://127.0.0.1:PORT/t/TOKEN) or send the token in x-tally-token',
      );
    }
    if (closing) {
      req.resume();
      res.setHeader('connection', 'close');
      return sendApiError(res, 503, 'overloaded_error', 'Tally gateway: shutting down');
    }
    const pathname = path.split('?')[0]!;
    const endpoint = endpointOf(req.method ?? 'GET', pathname);
    if (!endpoint) {
      req.resume();
      return sendApiError(
        res,
        404,
        'not_found_error',
        `Tally gateway: ${req.method} ${pathname} is not passed through (only POST /v1/messages, POST /v1/messages/count_tokens and GET /v1/models)`,
      );
    }
    const raw = await readBody(req);
    if (raw === null) {
      return sendApiError(res, 413, 'request_too_large', `Request exceeds the maximum allowed number of bytes (${MAX_REQUEST_BYTES}).`);
    }

    const apiKey = hasCredential(req.rawHeaders) ? undefined : await options.apiKey?.();
    const headersFor = (bodyLength: number | null) =>
      upstreamRequestHeaders(req.rawHeaders, { host: upstream.url.host, bodyLength, apiKey });
    if (endpoint === 'models') {
      const forwarding = forward(upstream, { method: 'GET', path, headers: headersFor(null), body: null }, res);
      onForward(forwarding);
      return answerUnreached(res, await forwarding.done);
    }

    const prepared = await prepareRequest(
      { table, router, gate },
      {
        endpoint,
        raw,
        policy: policyFor(workspace.path),
        workspacePath: workspace.path,
        startedAt,
        exactPromptTokens: (body) => countPromptTokens(upstream, path.slice(pathname.length), headersFor, body),
      },
    );
    if (prepared.refused) return sendApiError(res, prepared.refused.status, prepared.refused.type, prepared.refused.message);
    try {
      if (res.destroyed) return; // the client left while the key was read or the budget checked: nothing was sent
      const meter = endpoint === 'messages' ? new ReplyMeter() : null;
      const forwarding = forward(
        upstream,
        {
          method: 'POST',
          path,
          headers: headersFor(prepared.send.length),
          body: prepared.send,
          ...(meter ? { tapFor: (status, headers) => meter.tapFor(status, rawHeader(headers, 'content-type')) } : {}),
        },
        res,
      );
      onForward(forwarding);
      const result = await forwarding.done;
      if (!result.reached || !meter) return answerUnreached(res, result); // count_tokens is free
      record(req, result, meter.finish(), prepared, workspace, startedAt);
    } finally {
      prepared.release();
    }
  }

  /** A request that never got to the upstream is answered here (there is no answer of the upstream's to relay). */
  function answerUnreached(res: ServerResponse, result: ForwardResult): void {
    if (result.reached || result.clientGone) return;
    const why = result.error ? `: ${result.error.message}` : '';
    sendApiError(res, 502, 'api_error', `Tally gateway: could not reach the upstream ${upstream.url.origin}${why}`);
  }

  function record(
    req: IncomingMessage,
    result: ForwardResult,
    reading: MeterReading,
    prepared: Prepared,
    workspace: Workspace,
    startedAt: number,
  ): void {
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    recorder.record({
      startedAt,
      durationMs: Math.max(0, clock() - startedAt),
      workspace,
      client: clientName(rawHeader(req.rawHeaders, 'user-agent'), rawHeader(req.rawHeaders, 'x-title')),
      requestId: result.requestId,
      requestedModel: prepared.requestedModel,
      routed: prepared.routed,
      reasons: prepared.reasons,
      upstreamStatus: result.status,
      reading,
      status:
        result.clientGone && !result.complete
          ? 'aborted'
          : ok && result.complete && !result.error && reading.completed && !reading.errorType
            ? 'ok'
            : 'error',
      estimate: (outputText) => ({
        inputTokens: prepared.estimatePrompt(),
        outputTokens: outputText ? estimateTextTokens(outputText, prepared.model().family) : 0,
      }),
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  hosts = allowedHosts(port);
  const baseUrlFor = (token: string) => `http://127.0.0.1:${port}/t/${token}`;
  const firstToken = tokens.issue(options.workspace, options.token);

  return {
    port,
    token: firstToken,
    baseUrl: baseUrlFor(firstToken),
    issueToken(workspace, token) {
      const issued = tokens.issue(workspace, token);
      return { token: issued, baseUrl: baseUrlFor(issued) };
    },
    revokeToken: (token) => tokens.revoke(token),
    inFlight: () => active.size,
    async close({ graceMs = 10_000 } = {}) {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const all = () => Promise.all([...active].map((exchange) => exchange.finished));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      for (const exchange of active) exchange.abort();
      await all();
      server.closeAllConnections();
      await stopped;
      upstream.agent.destroy();
    },
  };
}

/** The whole request body, or null past the API's size limit (the rest is read and dropped, so the answer can be sent). */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.once('end', () => resolve(size > MAX_REQUEST_BYTES ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
