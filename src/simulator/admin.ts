// A fake of Anthropic's Usage and Cost Admin API for `tally reconcile`'s tests: GET
// /v1/organizations/usage_report/messages and GET /v1/organizations/cost_report, in the documented shapes
// (daily buckets, group_by[], limit and next_page pagination, null for dimensions not grouped by, cost
// amounts as decimal strings of cents), served from a list of billed requests the test controls.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rateCardFor, type TokenSplit } from '../core/prices/cost.js';
import { bundledPriceTable, resolveModel, type PriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo, RateCard } from '../core/prices/schema.js';
import { sendError, sendJson } from './server.js';

/** One request as Anthropic's billing saw it. */
export interface BilledRequest {
  /** ISO time of the request. */
  ts: string;
  /** The model name as the bill shows it. */
  model: string;
  apiKeyId: string;
  workspaceId?: string | null;
  /** As Tally splits usage: input is the uncached input. */
  tokens: TokenSplit;
}

export interface FakeAdminOptions {
  /** Admin keys accepted in x-api-key. */
  adminKeys: string[];
  /** Read on every request, so a test can add billed requests as it goes. */
  billed: () => readonly BilledRequest[];
  /** How the bill prices a model on a day; default: Tally's bundled table (seed a price change here). */
  rates?: (model: ModelInfo, day: string) => RateCard;
  /** Non-token costs per day (e.g. web search), billed with no model. */
  otherCosts?: { day: string; costType: 'web_search' | 'code_execution'; usd: number }[];
  priceTable?: PriceTable;
  port?: number;
}

export interface FakeAdmin {
  url: string;
  /** Every request: path and query string (the key is never kept). */
  requests: { path: string; query: string }[];
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const USAGE_GROUPS = [
  'api_key_id',
  'workspace_id',
  'model',
  'service_tier',
  'context_window',
  'inference_geo',
  'speed',
  'account_id',
  'service_account_id',
];
const COST_GROUPS = ['workspace_id', 'description'];
const TOKEN_TYPES: [keyof TokenSplit, string, string][] = [
  ['input', 'uncached_input_tokens', 'Input Tokens'],
  ['output', 'output_tokens', 'Output Tokens'],
  ['cacheRead', 'cache_read_input_tokens', 'Cache Read Input Tokens'],
  ['cacheWrite5m', 'cache_creation.ephemeral_5m_input_tokens', 'Cache Write (5m) Input Tokens'],
  ['cacheWrite1h', 'cache_creation.ephemeral_1h_input_tokens', 'Cache Write (1h) Input Tokens'],
];

class BadRequest extends Error {}

export async function startFakeAdmin(options: FakeAdminOptions): Promise<FakeAdmin> {
  const table = options.priceTable ?? bundledPriceTable();
  const rates = options.rates ?? ((model, day) => rateCardFor(model, day, 0));
  const requests: FakeAdmin['requests'] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ path: url.pathname, query: url.search });
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !options.adminKeys.includes(key))
      return sendError(res, 401, 'authentication_error', 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return sendError(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
    try {
      if (req.method === 'GET' && url.pathname === '/v1/organizations/usage_report/messages')
        return sendJson(res, 200, usageReport(url.searchParams));
      if (req.method === 'GET' && url.pathname === '/v1/organizations/cost_report') return sendJson(res, 200, costReport(url.searchParams));
      return sendError(res, 404, 'not_found_error', `Not found: ${req.method} ${url.pathname}`);
    } catch (error) {
      if (error instanceof BadRequest) return sendError(res, 400, 'invalid_request_error', error.message);
      throw error;
    }
  });

  /** The day buckets of this page, and the cursor to the next. */
  function page(params: URLSearchParams, widths: string[], groups: string[]) {
    const width = params.get('bucket_width') ?? '1d';
    if (!widths.includes(width)) throw new BadRequest(`bucket_width: must be one of ${widths.join(', ')} (this fake serves 1d)`);
    if (width !== '1d') throw new BadRequest('this fake serves bucket_width=1d only');
    const startText = params.get('starting_at');
    if (!startText) throw new BadRequest('starting_at: Field required');
    const start = Date.parse(startText);
    if (Number.isNaN(start)) throw new BadRequest('starting_at: Input should be a valid datetime');
    const endText = params.get('ending_at');
    const end = endText ? Date.parse(endText) : Date.now();
    if (Number.isNaN(end)) throw new BadRequest('ending_at: Input should be a valid datetime');
    const limit = Number(params.get('limit') ?? 7);
    if (!Number.isInteger(limit) || limit < 1 || limit > 31) throw new BadRequest('limit: must be between 1 and 31 for bucket_width 1d');
    const groupBy = [...params.getAll('group_by[]'), ...params.getAll('group_by')];
    for (const group of groupBy)
      if (!groups.includes(group)) throw new BadRequest(`group_by: "${group}" is not one of ${groups.join(', ')}`);
    const cursor = params.get('page');
    let first = Math.floor(start / DAY_MS) * DAY_MS; // buckets snap to the UTC day
    if (cursor) {
      const decoded = cursor.startsWith('page_') ? Date.parse(Buffer.from(cursor.slice(5), 'base64').toString()) : Number.NaN;
      if (Number.isNaN(decoded)) throw new BadRequest('page: invalid page token');
      first = decoded;
    }
    const days: number[] = [];
    for (let day = first; day < end && days.length < limit; day += DAY_MS) days.push(day);
    const next = days.length > 0 ? days.at(-1)! + DAY_MS : first;
    const hasMore = next < end;
    return {
      days,
      groupBy: new Set(groupBy),
      has_more: hasMore,
      next_page: hasMore ? `page_${Buffer.from(new Date(next).toISOString()).toString('base64')}` : null,
    };
  }

  const requestsOn = (day: number) =>
    options.billed().filter((request) => {
      const at = Date.parse(request.ts);
      return at >= day && at < day + DAY_MS;
    });
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

  function usageReport(params: URLSearchParams) {
    const { days, groupBy, has_more, next_page } = page(params, ['1d', '1h', '1m'], USAGE_GROUPS);
    const models = params.getAll('models[]');
    const data = days.map((day) => {
      const groups = new Map<string, Record<string, unknown> & { tokens: TokenSplit }>();
      for (const request of requestsOn(day)) {
        if (models.length > 0 && !models.includes(request.model)) continue;
        const dims = {
          api_key_id: groupBy.has('api_key_id') ? request.apiKeyId : null,
          workspace_id: groupBy.has('workspace_id') ? (request.workspaceId ?? null) : null,
          model: groupBy.has('model') ? request.model : null,
          service_tier: groupBy.has('service_tier') ? 'standard' : null,
          context_window: groupBy.has('context_window') ? '0-200k' : null,
        };
        const key = JSON.stringify(dims);
        const group = groups.get(key) ?? { ...dims, tokens: { input: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0 } };
        for (const [field] of TOKEN_TYPES) group.tokens[field] += request.tokens[field];
        groups.set(key, group);
      }
      const results = [...groups.values()].map(({ tokens, ...dims }) => ({
        uncached_input_tokens: tokens.input,
        cache_creation: { ephemeral_1h_input_tokens: tokens.cacheWrite1h, ephemeral_5m_input_tokens: tokens.cacheWrite5m },
        cache_read_input_tokens: tokens.cacheRead,
        output_tokens: tokens.output,
        server_tool_use: { web_search_requests: 0 },
        ...dims,
      }));
      return { starting_at: iso(day), ending_at: iso(day + DAY_MS), results };
    });
    return { data, has_more, next_page };
  }

  function costReport(params: URLSearchParams) {
    const { days, groupBy, has_more, next_page } = page(params, ['1d'], COST_GROUPS);
    const byDescription = groupBy.has('description');
    const data = days.map((day) => {
      const dayText = iso(day).slice(0, 10);
      const cents = new Map<
        string,
        { model: string | null; tokenType: string | null; description: string | null; costType: string; cents: number }
      >();
      const add = (
        key: string,
        entry: { model: string | null; tokenType: string | null; description: string | null; costType: string },
        amount: number,
      ) => {
        const found = cents.get(key) ?? { ...entry, cents: 0 };
        found.cents += amount;
        cents.set(key, found);
      };
      for (const request of requestsOn(day)) {
        const model = resolveModel(table, request.model);
        const card = rates(model, dayText);
        for (const [field, tokenType, label] of TOKEN_TYPES) {
          const tokens = request.tokens[field];
          if (tokens === 0) continue;
          const amount = (tokens * card[field] * 100) / 1e6;
          if (byDescription)
            add(
              `${request.model}\u0000${tokenType}`,
              { model: request.model, tokenType, description: `${model.displayName} Usage - ${label}`, costType: 'tokens' },
              amount,
            );
          else add('total', { model: null, tokenType: null, description: null, costType: 'tokens' }, amount);
        }
      }
      for (const other of options.otherCosts ?? []) {
        if (other.day !== dayText) continue;
        const description = byDescription ? (other.costType === 'web_search' ? 'Web Search Usage' : 'Code Execution Usage') : null;
        add(
          byDescription ? other.costType : 'total',
          { model: null, tokenType: null, description, costType: other.costType },
          other.usd * 100,
        );
      }
      const results = [...cents.values()].map((entry) => ({
        amount: trimDecimal(entry.cents),
        currency: 'USD',
        cost_type: byDescription ? entry.costType : null,
        description: entry.description,
        model: byDescription ? entry.model : null,
        service_tier: byDescription && entry.model ? 'standard' : null,
        token_type: byDescription ? entry.tokenType : null,
        context_window: byDescription && entry.model ? '0-200k' : null,
        workspace_id: null,
      }));
      return { starting_at: iso(day), ending_at: iso(day + DAY_MS), results };
    });
    return { data, has_more, next_page };
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Cents as the API writes them: a decimal string, no float noise. */
function trimDecimal(cents: number): string {
  return cents.toFixed(6).replace(/\.?0+$/, '') || '0';
}
