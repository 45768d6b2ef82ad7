import { formatTokens, formatUsd } from '../../core/format.js';
import { priceTokens, utcDate, type TokenSplit } from '../../core/prices/cost.js';
import type { TokenizerFamily } from '../../core/prices/schema.js';
import { IncrementalTokenEstimator } from '../../core/tokens/incremental.js';
import type { Attachment, RoutedTier, TierBasis } from '../../protocol/chat.js';

// Runs in the webview on every keystroke: the draft is counted here with the bundled estimator,
// recounting only the edited part of the text, so the figures never wait for a round trip to the
// extension host.

/** Keeps the draft's counts between keystrokes (feature counts are the same for every family). */
export class DraftTokenCounter {
  private readonly incremental = new IncrementalTokenEstimator('v5');

  tokens(text: string, family: TokenizerFamily): number {
    this.incremental.update(text);
    return this.incremental.tokens(family);
  }
}

export interface DraftEstimate {
  tier: RoutedTier;
  model: string;
  displayName: string;
  /** Whole request: prefix (system, context, history) + draft. */
  inputTokens: number;
  draftTokens: number;
  usd: number;
}

/** Chat never sends batch requests, so no batch discount applies. */
const NO_BATCH = { batchDiscount: 0 };

export function estimateDraft(basis: readonly TierBasis[], draft: string, now: number, counter = new DraftTokenCounter()): DraftEstimate[] {
  const date = utcDate(now);
  return basis.map((entry) => {
    const draftTokens = counter.tokens(draft, entry.model.family);
    const inputTokens = entry.prefixTokens + draftTokens;
    const split = requestSplit(entry, draftTokens);
    const cost = priceTokens(NO_BATCH, entry.model, split, { date });
    return { tier: entry.tier, model: entry.model.id, displayName: entry.model.displayName, inputTokens, draftTokens, usd: cost.total };
  });
}

/** What the next request would be billed as: warm prefix read, the rest written to cache if it can be. */
export function requestSplit(entry: TierBasis, draftTokens: number): TokenSplit {
  const total = entry.prefixTokens + draftTokens;
  const read = Math.min(entry.warmPrefixTokens, entry.prefixTokens);
  const fresh = total - read;
  const cacheable = total >= entry.model.minCacheableTokens;
  const written = cacheable ? fresh : 0;
  return {
    input: cacheable ? 0 : fresh,
    cacheWrite5m: entry.writeTtl === '5m' ? written : 0,
    cacheWrite1h: entry.writeTtl === '1h' ? written : 0,
    cacheRead: read,
    output: entry.outputTokens,
  };
}

/**
 * "Far larger than the question needs": attachments above 4,000 tokens and more than 20 times the
 * question. Returns the warning text, or undefined.
 */
export function contextWarning(attachments: readonly Attachment[], draftTokens: number, tier: RoutedTier): string | undefined {
  const contextTokens = attachments.reduce((sum, a) => sum + a.tokens[tier], 0);
  const contextUsd = attachments.reduce((sum, a) => sum + a.usd[tier], 0);
  if (contextTokens < 4000 || contextTokens < 20 * Math.max(draftTokens, 1)) return undefined;
  const ratio = Math.round(contextTokens / Math.max(draftTokens, 1));
  return `Attached context is ${formatTokens(contextTokens)} tokens, ${ratio}x your question; it adds about ${formatUsd(contextUsd)} to every turn uncached. Attach only what the question needs.`;
}
