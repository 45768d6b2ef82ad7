import * as v from 'valibot';
import { parseOrThrow } from '../validation.js';
import type { PriceTable } from './priceTable.js';
import { ratesOn } from './priceTable.js';
import type { ModelInfo, RateCard } from './schema.js';

/** More tokens than any request can carry (the largest context window is 1M): a count above it is not usage. */
export const MAX_USAGE_TOKENS = 100_000_000;
const count = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number'),
  v.minValue(0, 'must not be negative'),
  v.maxValue(MAX_USAGE_TOKENS, `must be at most ${MAX_USAGE_TOKENS} tokens`),
);
const optionalCount = v.optional(v.nullable(count));

/** Anthropic's `usage` object as the Messages API returns it (extra fields are kept and ignored). */
export const UsageSchema = v.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: optionalCount,
  cache_read_input_tokens: optionalCount,
  cache_creation: v.optional(
    v.nullable(v.looseObject({ ephemeral_5m_input_tokens: optionalCount, ephemeral_1h_input_tokens: optionalCount })),
  ),
});
export type Usage = v.InferOutput<typeof UsageSchema>;

export function parseUsage(input: unknown, sourceName = 'usage'): Usage {
  return parseOrThrow(UsageSchema, input, sourceName);
}

export interface CostBreakdown {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
  total: number;
}

export interface TokenSplit {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
}

/**
 * Splits usage the way Anthropic bills it: `input_tokens` already excludes cached tokens;
 * cache writes are split by TTL when `cache_creation` says so, else all count as 5-minute writes.
 */
export function splitUsage(usage: Usage): TokenSplit {
  const written = usage.cache_creation_input_tokens ?? 0;
  const byTtl = usage.cache_creation;
  const oneHour = byTtl?.ephemeral_1h_input_tokens ?? 0;
  const fiveMinute = byTtl ? (byTtl.ephemeral_5m_input_tokens ?? Math.max(0, written - oneHour)) : written;
  return {
    input: usage.input_tokens,
    cacheWrite5m: fiveMinute,
    cacheWrite1h: oneHour,
    cacheRead: usage.cache_read_input_tokens ?? 0,
    output: usage.output_tokens,
  };
}

/** Prompt size for long-prompt bands: every input token, cached or not. */
export function promptTokens(split: TokenSplit): number {
  return split.input + split.cacheWrite5m + split.cacheWrite1h + split.cacheRead;
}

/** The rate card that applies to a whole request of this size on this date. */
export function rateCardFor(model: ModelInfo, date: string, promptSize: number): RateCard {
  const period = ratesOn(model, date);
  return period.longPrompt && promptSize > period.longPrompt.aboveTokens ? period.longPrompt : period;
}

export interface PriceOptions {
  /** Request date, YYYY-MM-DD (UTC): picks the rate period in force. */
  date: string;
  /** Message Batches API: the batch discount applies to every token class. */
  batch?: boolean;
}

/** Only the table's batch discount is read, so callers holding just a model (a webview) pass `{ batchDiscount }`. */
export function priceTokens(
  table: Pick<PriceTable, 'batchDiscount'>,
  model: ModelInfo,
  split: TokenSplit,
  options: PriceOptions,
): CostBreakdown {
  const card = rateCardFor(model, options.date, promptTokens(split));
  const factor = options.batch ? 1 - table.batchDiscount : 1;
  const usd = (tokens: number, perMillion: number) => roundUsd((tokens * perMillion * factor) / 1_000_000);
  const parts = {
    input: usd(split.input, card.input),
    cacheWrite5m: usd(split.cacheWrite5m, card.cacheWrite5m),
    cacheWrite1h: usd(split.cacheWrite1h, card.cacheWrite1h),
    cacheRead: usd(split.cacheRead, card.cacheRead),
    output: usd(split.output, card.output),
  };
  const total = roundUsd(parts.input + parts.cacheWrite5m + parts.cacheWrite1h + parts.cacheRead + parts.output);
  return { ...parts, total };
}

export function priceUsage(table: Pick<PriceTable, 'batchDiscount'>, model: ModelInfo, usage: Usage, options: PriceOptions): CostBreakdown {
  return priceTokens(table, model, splitUsage(usage), options);
}

/** Rounds away binary floating-point noise (1e-12 USD is far below any billed amount). */
export function roundUsd(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}

/** UTC calendar date of a timestamp, the key for rate periods and daily budgets. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
