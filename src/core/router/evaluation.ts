import { ROUTED_TIERS, tierRank, type RoutedTier } from '../tiers.js';

/** A prompt with the tier a person judged it needs. */
export interface Labelled {
  id: string;
  prompt: string;
  tier: RoutedTier;
}

export interface RoutingScore {
  accuracy: number;
  /** sonnet/opus prompts sent to haiku, as a share of all prompts. */
  underRouting: number;
  /** The same count as a share of the non-haiku prompts (the holdout gate's measure). */
  underRoutingOfHard: number;
  /** haiku prompts sent to opus, as a share of all prompts. */
  overRouting: number;
  /** confusion[label][routed index in ROUTED_TIERS]. */
  confusion: Record<RoutedTier, number[]>;
}

/** The metrics: accuracy, under-routing (hard work to haiku), over-routing (haiku work to opus). */
export function scoreRouting(items: readonly Labelled[], routed: readonly RoutedTier[]): RoutingScore {
  const confusion = { haiku: [0, 0, 0], sonnet: [0, 0, 0], opus: [0, 0, 0] } as Record<RoutedTier, number[]>;
  let correct = 0;
  let under = 0;
  let over = 0;
  items.forEach((item, i) => {
    const tier = routed[i]!;
    confusion[item.tier][tierRank(tier)]!++;
    if (tier === item.tier) correct++;
    if (item.tier !== 'haiku' && tier === 'haiku') under++;
    if (item.tier === 'haiku' && tier === 'opus') over++;
  });
  const n = Math.max(1, items.length);
  const hard = Math.max(1, items.filter((item) => item.tier !== 'haiku').length);
  return { accuracy: correct / n, underRouting: under / n, underRoutingOfHard: under / hard, overRouting: over / n, confusion };
}

/**
 * Routing by prompt length alone, with the two cut points chosen to maximise accuracy on the
 * same items: the strongest possible length-only router, and so a fair baseline.
 */
export function lengthBaseline(items: readonly Labelled[]): { cuts: [number, number]; score: RoutingScore } {
  const lengths = [...new Set(items.map((item) => item.prompt.length))].sort((a, b) => a - b);
  const candidates = [0, ...lengths, Number.MAX_SAFE_INTEGER];
  let best: { cuts: [number, number]; score: RoutingScore } | undefined;
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i; j < candidates.length; j++) {
      const cuts: [number, number] = [candidates[i]!, candidates[j]!];
      const score = scoreRouting(
        items,
        items.map((item) => byLength(item.prompt.length, cuts)),
      );
      if (!best || score.accuracy > best.score.accuracy) best = { cuts, score };
    }
  }
  return best!;
}

function byLength(length: number, [haikuBelow, opusFrom]: [number, number]): RoutedTier {
  return length < haikuBelow ? ROUTED_TIERS[0] : length >= opusFrom ? ROUTED_TIERS[2] : ROUTED_TIERS[1];
}
