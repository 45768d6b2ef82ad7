import { roundUsd, splitUsage, utcDate } from '../prices/cost.js';
import type { PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import { uncachedUsd, type LedgerEntry } from './entry.js';

/** Sums over a set of requests. Savings are measured against `baselineUsd` and add up to it: usd + cacheSavingsUsd + routingSavingsUsd = baselineUsd. */
export interface Totals {
  requests: number;
  /** Requests whose status was error or aborted (their partial usage is still counted). */
  failed: number;
  /** Uncached input tokens (Anthropic's `input_tokens`). */
  inputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  usd: number;
  baselineUsd: number;
  /** The prompt tokens on the model that answered at its plain input rate, minus what they cost with caching (cache writes' premium counts against it). */
  cacheSavingsUsd: number;
  /** The same tokens uncached on the default model minus uncached on the model that answered; negative when routing chose a dearer model. */
  routingSavingsUsd: number;
}

export function emptyTotals(): Totals {
  return {
    requests: 0,
    failed: 0,
    inputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    outputTokens: 0,
    usd: 0,
    baselineUsd: 0,
    cacheSavingsUsd: 0,
    routingSavingsUsd: 0,
  };
}

export const TOTAL_FIELDS = Object.keys(emptyTotals()) as (keyof Totals)[];

export function addTotals(into: Totals, add: Totals): void {
  for (const field of TOTAL_FIELDS) into[field] += add[field];
}

/** Rounds away the float noise that summing thousands of small amounts leaves. */
export function roundTotals(totals: Totals): Totals {
  return {
    ...totals,
    usd: roundUsd(totals.usd),
    baselineUsd: roundUsd(totals.baselineUsd),
    cacheSavingsUsd: roundUsd(totals.cacheSavingsUsd),
    routingSavingsUsd: roundUsd(totals.routingSavingsUsd),
  };
}

/** Splits one entry's savings into caching and routing; needs the price table for the answering model's plain input rate. */
export function entryTotals(entry: LedgerEntry, models: ReadonlyMap<string, ModelInfo>, table: PriceTable, day: string): Totals {
  const split = splitUsage(entry.usage);
  const model = models.get(entry.model);
  let uncachedOnModel: number | undefined;
  if (model) {
    try {
      uncachedOnModel = uncachedUsd(table, model, entry.usage, day);
    } catch {
      // No rate for that day (a model priced only from a later date): savings cannot be split.
    }
  }
  // Without the model's rates, all savings are attributed to routing rather than guessed.
  const cacheSavings = uncachedOnModel === undefined ? 0 : uncachedOnModel - entry.usd;
  return {
    requests: 1,
    failed: entry.status === 'ok' ? 0 : 1,
    inputTokens: split.input,
    cacheWriteTokens: split.cacheWrite5m + split.cacheWrite1h,
    cacheReadTokens: split.cacheRead,
    outputTokens: split.output,
    usd: entry.usd,
    baselineUsd: entry.baselineUsd,
    cacheSavingsUsd: cacheSavings,
    routingSavingsUsd: entry.baselineUsd - entry.usd - cacheSavings,
  };
}

/** The UTC day an entry counts against (budgets' day, report rows, rate period). */
export function entryDay(entry: LedgerEntry): string {
  // Fast path for what Tally writes (toISOString, always UTC "Z").
  return entry.ts.endsWith('Z') ? entry.ts.slice(0, 10) : utcDate(Date.parse(entry.ts));
}
