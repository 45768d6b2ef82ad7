import { estimatePlainRequest } from '../core/estimate/index.js';
import { resolveModel, type PriceTable } from '../core/prices/priceTable.js';
import type { TokenizerFamily } from '../core/prices/schema.js';
import { estimateTextTokens } from '../core/tokens/estimator.js';
import { ROUTED_TIERS, type RoutedTier } from '../core/tiers.js';

// Pure: the selection's estimate per tier, for the status bar item's tooltip and the quick pick. No `vscode` import.

export interface EditorPrompt {
  text: string;
  /** "selection" or "file" */
  source: 'selection' | 'file';
  fileName: string;
  /** Which text this is (source and document), so token counts can be carried over between keystrokes. */
  key: string;
}

export interface ComputedEstimate {
  prompt: EditorPrompt;
  tiers: TierEstimate[];
  recommended: RoutedTier;
  reasons: string[];
}

export interface TierEstimate {
  tier: RoutedTier;
  model: string;
  displayName: string;
  /** Prompt tokens as this model's tokenizer counts them (message frame included). */
  inputTokens: number;
  outputTokens: number;
  /** Sent as a new conversation's first message (as the chat would send it), with a typical answer of outputTokens. */
  usd: number;
  /** With a short and a long answer: the answer's length is not known before sending. */
  usdLow: number;
  usdHigh: number;
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
  return ROUTED_TIERS.map((tier) => {
    const model = resolveModel(table, models[tier]);
    // The selection sent as a new conversation's only message, priced as the chat engine would send it.
    const estimate = estimatePlainRequest(table, model, { message: '' }, { nowMs: now, tokensOf: () => contentTokens(model.family) });
    return {
      tier,
      model: model.id,
      displayName: model.displayName,
      inputTokens: estimate.inputTokens,
      outputTokens: estimate.output.typical,
      usd: estimate.usd.typical,
      usdLow: estimate.usd.low,
      usdHigh: estimate.usd.high,
    };
  });
}
