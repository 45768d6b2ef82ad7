import { priceTokens, type CostBreakdown, type TokenSplit } from '../prices/cost.js';
import type { PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';

/** One way a request could be billed: tokens per class and what they cost. */
export interface Scenario {
  tokens: TokenSplit;
  usd: CostBreakdown;
}

/** Prices a split on `model` at the rates in force on `date`: the one place a planned request becomes dollars. */
export function priceScenario(table: Pick<PriceTable, 'batchDiscount'>, model: ModelInfo, split: TokenSplit, date: string): Scenario {
  return { tokens: split, usd: priceTokens(table, model, split, { date }) };
}

/** Tokens of a request whose cache reads `read`, writes `write5m`/`write1h`, and sends `uncached` at the input rate. */
export function requestSplit(parts: { read: number; write5m: number; write1h: number; uncached: number; output: number }): TokenSplit {
  return { input: parts.uncached, cacheWrite5m: parts.write5m, cacheWrite1h: parts.write1h, cacheRead: parts.read, output: parts.output };
}
