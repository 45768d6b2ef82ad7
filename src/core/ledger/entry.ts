import * as v from 'valibot';
import { priceTokens, priceUsage, promptTokens, splitUsage, UsageSchema, utcDate, type Usage } from '../prices/cost.js';
import type { PriceTable } from '../prices/priceTable.js';
import { TIERS, type ModelInfo } from '../prices/schema.js';
import { parseOrThrow } from '../validation.js';

const usd = v.pipe(v.number('must be a number (USD)'), v.minValue(0, 'must not be negative'));
const isoTimestamp = v.pipe(
  v.string('must be an ISO timestamp string'),
  v.regex(/^\d{4}-\d{2}-\d{2}T/, 'must be an ISO timestamp (YYYY-MM-DDTHH:MM:SS...)'),
  v.check((text) => !Number.isNaN(Date.parse(text)), 'must be a valid date and time'),
);

export const LEDGER_STATUSES = ['ok', 'error', 'aborted'] as const;

/**
 * Who sent a request: Tally's chat panel, `tally chat`, a history summary or router classifier
 * call made on the user's behalf, a client through the gateway, VS Code's own Chat, or a log import.
 */
export const LEDGER_SOURCES = ['chat', 'cli', 'summary', 'router', 'gateway', 'vscode-chat', 'import'] as const;
export type LedgerSource = (typeof LEDGER_SOURCES)[number];
/** Requests Tally itself makes on the user's behalf: overhead, not the user's own questions. */
export const OVERHEAD_SOURCES: readonly LedgerSource[] = ['summary', 'router'];

/**
 * One request, as written to the ledger: one JSON line per request. Extra fields are kept
 * (looseObject), so a newer Tally can add fields without older readers skipping its lines.
 */
export const LedgerEntrySchema = v.looseObject({
  /** When the request was sent, ISO 8601; its UTC date is the day spend counts against. */
  ts: isoTimestamp,
  /** The workspace folder spend is recorded against; `path` is the key, `name` is for display. */
  workspace: v.looseObject({
    path: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
    name: v.string('must be a string'),
  }),
  /** Who sent it (LEDGER_SOURCES); read as any string so a newer Tally's sources do not hide its lines. */
  source: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
  /** The program that made the request (claude-code, cline, anthropic-sdk, tally, ...), where known. */
  client: v.optional(v.nullable(v.string('must be a string')), null),
  /** The API's message id (msg_...), where known: with requestId, how an import recognises a request already recorded. */
  messageId: v.optional(v.nullable(v.string('must be a string')), null),
  /** True when the server's usage was missing or not sane and Tally recorded its own estimate instead. */
  usageEstimated: v.optional(v.boolean('must be true or false'), false),
  /** Made up by `npm run demo` to show the product on first open; views say so. */
  sample: v.optional(v.boolean('must be true or false')),
  /** What the router said the prompt asked for (explain, write, ...): answer lengths are learned per class. */
  taskClass: v.optional(v.nullable(v.string('must be a string')), null),
  conversationId: v.optional(v.nullable(v.string('must be a string')), null),
  model: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
  tier: v.picklist(TIERS, `must be one of ${TIERS.join(', ')}`),
  routedReasons: v.optional(v.array(v.string('must be a string'), 'must be a list of strings'), []),
  /** Anthropic's usage object as returned (for failed or cancelled streams: what was reported). */
  usage: UsageSchema,
  /** What the request cost, priced with the rate in force on its day. */
  usd,
  /** The same tokens on the user's default model with no caching: what Tally saved is measured against it. */
  baselineUsd: usd,
  requestId: v.optional(v.nullable(v.string('must be a string')), null),
  status: v.picklist(LEDGER_STATUSES, `must be one of ${LEDGER_STATUSES.join(', ')}`),
  durationMs: v.pipe(v.number('must be a number'), v.minValue(0, 'must not be negative')),
});

export type LedgerEntry = v.InferOutput<typeof LedgerEntrySchema>;
/** An entry as a writer may give it: fields with defaults may be left out. */
export type LedgerEntryInput = v.InferInput<typeof LedgerEntrySchema>;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export function parseLedgerEntry(input: unknown, sourceName = 'ledger entry'): LedgerEntry {
  return parseOrThrow(LedgerEntrySchema, input, sourceName);
}

export interface EntryDetails {
  /** Request start, epoch ms. */
  startedAt: number;
  workspace: { path: string; name: string };
  source: LedgerSource;
  client?: string | null;
  messageId?: string | null;
  usageEstimated?: boolean;
  taskClass?: string | null;
  conversationId?: string | null;
  /** The model that answered. */
  model: ModelInfo;
  /** The user's default model: the baseline for savings. */
  defaultModel: ModelInfo;
  routedReasons?: string[];
  usage: Usage;
  requestId?: string | null;
  status: LedgerStatus;
  durationMs: number;
}

/** Builds a ledger entry with `usd` and `baselineUsd` priced at the rates in force on the request's day. */
export function buildLedgerEntry(table: PriceTable, details: EntryDetails): LedgerEntry {
  const date = utcDate(details.startedAt);
  return {
    ts: new Date(details.startedAt).toISOString(),
    workspace: { path: details.workspace.path, name: details.workspace.name },
    source: details.source,
    client: details.client ?? null,
    messageId: details.messageId ?? null,
    usageEstimated: details.usageEstimated ?? false,
    taskClass: details.taskClass ?? null,
    conversationId: details.conversationId ?? null,
    model: details.model.id,
    tier: details.model.tier,
    routedReasons: details.routedReasons ?? [],
    usage: details.usage,
    usd: priceUsage(table, details.model, details.usage, { date }).total,
    baselineUsd: uncachedUsd(table, details.defaultModel, details.usage, date),
    requestId: details.requestId ?? null,
    status: details.status,
    durationMs: details.durationMs,
  };
}

/** These tokens on `model` if nothing had been cached: every prompt token at the input rate. */
export function uncachedUsd(table: PriceTable, model: ModelInfo, usage: Usage, date: string): number {
  const split = splitUsage(usage);
  return priceTokens(
    table,
    model,
    { input: promptTokens(split), cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: split.output },
    { date },
  ).total;
}
