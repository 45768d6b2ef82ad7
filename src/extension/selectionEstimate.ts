import { estimateForModel } from '../core/estimate.js';
import { formatTokens, formatUsd } from '../core/format.js';
import { utcDate } from '../core/prices/cost.js';
import { resolveModel, type PriceTable } from '../core/prices/priceTable.js';
import { ROUTED_TIERS, type RoutedTier } from './settings.js';

// Pure: what the estimate status bar item and its quick pick show. No `vscode` import.

/** A typical chat answer; priced so the figure is the cost of a turn, not only of the prompt. */
export const EXPECTED_ANSWER_TOKENS = 500;

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
  const date = utcDate(now);
  return ROUTED_TIERS.map((tier) => {
    const model = resolveModel(table, models[tier]);
    const estimate = estimateForModel(table, model, { message: text, outputTokens: EXPECTED_ANSWER_TOKENS }, date);
    return {
      tier,
      model: model.id,
      displayName: model.displayName,
      inputTokens: estimate.inputTokens,
      outputTokens: estimate.outputTokens,
      usd: estimate.noCache.usd.total,
    };
  });
}

export const tierLabel = (tier: RoutedTier) => tier.charAt(0).toUpperCase() + tier.slice(1);

/** `≈1.2k tok · $0.0040 Sonnet` */
export function statusText(estimate: TierEstimate): string {
  return `≈${formatTokens(estimate.inputTokens)} tok · ${formatUsd(estimate.usd)} ${tierLabel(estimate.tier)}`;
}
