import { TYPICAL_ANSWER_TOKENS } from '../core/estimate.js';
import { formatTokens, formatUsd } from '../core/format.js';
import { priceTokens, utcDate } from '../core/prices/cost.js';
import { resolveModel, type PriceTable } from '../core/prices/priceTable.js';
import type { TokenizerFamily } from '../core/prices/schema.js';
import { estimateTextTokens, messageFrameTokens } from '../core/tokens/estimator.js';
import { ROUTED_TIERS, type RoutedTier } from './settings.js';

// Pure: what the estimate status bar item and its quick pick show. No `vscode` import.

export interface TierEstimate {
  tier: RoutedTier;
  model: string;
  displayName: string;
  /** Prompt tokens as this model's tokenizer counts them (message frame included). */
  inputTokens: number;
  outputTokens: number;
  /** Sent once, uncached, with an answer of outputTokens. */
  usd: number;
}

export function tierEstimates(table: PriceTable, models: Record<RoutedTier, string>, text: string, now: number): TierEstimate[] {
  return tierEstimatesFromCounts(table, models, (family) => estimateTextTokens(text, family), now);
}

/**
 * The same from content token counts already made (one incremental pass gives every family),
 * so three tiers cost three multiplications, not three passes over the text.
 */
export function tierEstimatesFromCounts(
  table: PriceTable,
  models: Record<RoutedTier, string>,
  contentTokens: (family: TokenizerFamily) => number,
  now: number,
): TierEstimate[] {
  const date = utcDate(now);
  return ROUTED_TIERS.map((tier) => {
    const model = resolveModel(table, models[tier]);
    // As estimateForModel prices a lone message: the message frame plus the content, sent uncached.
    const inputTokens = messageFrameTokens(model.family) + contentTokens(model.family);
    const usd = priceTokens(
      table,
      model,
      { input: inputTokens, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: TYPICAL_ANSWER_TOKENS },
      { date },
    ).total;
    return { tier, model: model.id, displayName: model.displayName, inputTokens, outputTokens: TYPICAL_ANSWER_TOKENS, usd };
  });
}

export const tierLabel = (tier: RoutedTier) => tier.charAt(0).toUpperCase() + tier.slice(1);

/** `≈1.2k tok · $0.0040 Sonnet` */
export function statusText(estimate: TierEstimate): string {
  return `≈${formatTokens(estimate.inputTokens)} tok · ${formatUsd(estimate.usd)} ${tierLabel(estimate.tier)}`;
}
