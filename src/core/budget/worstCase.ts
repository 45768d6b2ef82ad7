import { rateCardFor } from '../prices/cost.js';
import type { ModelInfo } from '../prices/schema.js';
import type { WorstCase } from './reservations.js';

/** A prompt is bounded by this multiple of Tally's offline estimate until Anthropic's exact count replaces the margin. */
export const PROMPT_ESTIMATE_MARGIN = 2;

/**
 * The most a request can cost: `inputTokens` (an upper bound on the prompt) all at the dearest input
 * rate (a 1-hour cache write costs twice plain input) and `maxTokens` at the output rate, on the rate
 * card of the long-prompt band when the prompt could reach it.
 */
export function worstCaseOf(model: ModelInfo, date: string, inputTokens: number, maxTokens: number, estimateUsd: number): WorstCase {
  const cards = [rateCardFor(model, date, 0), rateCardFor(model, date, inputTokens)];
  const inputRate = Math.max(...cards.flatMap((card) => [card.input, card.cacheWrite5m, card.cacheWrite1h]));
  const outputRate = Math.max(...cards.map((card) => card.output));
  return {
    inputUsd: (inputTokens * inputRate) / 1_000_000,
    outputUsdPerToken: outputRate / 1_000_000,
    maxTokens,
    estimateUsd,
  };
}

/** Combines two requests sent as one step (a history summary, then the turn), so one reservation covers both. */
export function addWorstCase(into: WorstCase, other: { inputUsd: number; outputUsd: number; estimateUsd: number }): WorstCase {
  return { ...into, inputUsd: into.inputUsd + other.inputUsd + other.outputUsd, estimateUsd: into.estimateUsd + other.estimateUsd };
}
