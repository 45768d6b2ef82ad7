// A gateway in front of the simulated Anthropic API, with its own ledger, for the gateway tests.
import Anthropic from '@anthropic-ai/sdk';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after } from 'node:test';
import { openLedger, type Ledger, type LedgerEntry } from '../../src/core/ledger/index.js';
import { priceUsage, roundUsd, utcDate } from '../../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { startGateway, type Gateway, type GatewayOptions, type GatewayPolicy, DEFAULT_POLICY } from '../../src/gateway/index.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeAnthropicOptions } from '../../src/simulator/server.js';
import { scratchDir } from './scratch.js';

export const KEY = 'sk-ant-gateway-test-key';
export const WORKSPACE = { path: '/home/dev/app', name: 'app' };
export const table = bundledPriceTable();

export interface Rig {
  fake: FakeAnthropic;
  gateway: Gateway;
  ledger: Ledger;
  /** An SDK client pointed at the gateway (no retries, so each call is one request). */
  client(options?: ConstructorParameters<typeof Anthropic>[0]): Anthropic;
  entries(): LedgerEntry[];
  problems: string[];
}

export async function startRig(
  options: {
    fake?: FakeAnthropicOptions;
    policy?: Partial<GatewayPolicy>;
    gateway?: Partial<GatewayOptions>;
    upstream?: string;
  } = {},
): Promise<Rig> {
  const fake = await startFakeAnthropic({ apiKeys: [KEY], ...options.fake });
  const ledger = openLedger(scratchDir('tally-gateway-'), { priceTable: table });
  const problems: string[] = [];
  const policy: GatewayPolicy = { ...DEFAULT_POLICY, ...options.policy };
  const gateway = await startGateway({
    upstream: options.upstream ?? fake.url,
    priceTable: table,
    ledger,
    workspace: WORKSPACE,
    policy: () => policy,
    onProblem: (message) => problems.push(message),
    ...options.gateway,
  });
  after(async () => {
    await gateway.close({ graceMs: 0 });
    await fake.close();
  });
  return {
    fake,
    gateway,
    ledger,
    problems,
    client: (clientOptions = {}) => new Anthropic({ apiKey: KEY, baseURL: gateway.baseUrl, maxRetries: 0, ...clientOptions }),
    entries: () => ledger.query({}).entries,
  };
}

/** What the simulator billed: its recorded usage of each request it answered, priced like the ledger. */
export function billedUsd(fake: FakeAnthropic): number {
  let total = 0;
  for (const request of fake.requests) {
    if (!request.usage || request.status !== 200) continue;
    const model = resolveModel(table, (request.body as { model: string }).model);
    total += priceUsage(table, model, { ...request.usage }, { date: utcDate(Date.now()) }).total;
  }
  return roundUsd(total);
}

export function ledgerUsd(entries: readonly LedgerEntry[]): number {
  return roundUsd(entries.reduce((sum, entry) => sum + entry.usd, 0));
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** One plain HTTP request (no SDK), for what an SDK would not send: bad hosts, missing tokens, exact bytes. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: options.method ?? 'POST',
        headers: { ...(options.host ? { host: options.host } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const apiHeaders = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': KEY };

export function messagesBody(text: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'claude-haiku-5-5', max_tokens: 300, messages: [{ role: 'user', content: text }], ...extra });
}
