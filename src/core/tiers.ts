import type { Tier } from './prices/schema.js';

/** The tiers the router chooses between and a user can pick, cheapest first. */
export const ROUTED_TIERS = ['haiku', 'sonnet', 'opus'] as const;
export type RoutedTier = (typeof ROUTED_TIERS)[number];

/** What a user may ask a turn to use: the router's choice, or a tier. */
export const TIER_CHOICES = ['auto', ...ROUTED_TIERS] as const;
export type TierChoice = (typeof TIER_CHOICES)[number];

export function isRoutedTier(value: unknown): value is RoutedTier {
  return (ROUTED_TIERS as readonly unknown[]).includes(value);
}

/** "Haiku", "Sonnet", "Opus" (and "Frontier" for the price table's top tier). */
export function tierLabel(tier: string): string {
  return tier.charAt(0).toUpperCase() + tier.slice(1);
}

/** 0 for the cheapest tier upwards; frontier above opus; -1 for a name that is not a tier. */
export function tierRank(tier: string): number {
  const rank = (ROUTED_TIERS as readonly string[]).indexOf(tier);
  return rank === -1 ? (tier === 'frontier' ? ROUTED_TIERS.length : -1) : rank;
}

/** The tier to retry on after an answer that fell short; null from the top. */
export function nextTier(tier: RoutedTier): RoutedTier | null {
  return ROUTED_TIERS[tierRank(tier) + 1] ?? null;
}

/** A model's price-table tier as the tier it is routed as: a frontier model answers for opus. */
export function routedTierOf(tier: Tier): RoutedTier {
  return tier === 'frontier' ? 'opus' : tier;
}
