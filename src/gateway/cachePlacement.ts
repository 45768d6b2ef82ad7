// Opt-in: for a client that sends no cache_control at all, Tally's cache planner places the
// breakpoints (the end of tools + system, and the latest block), so repeated prefixes are read
// from the cache. A request that already has any cache_control is the client's plan: untouched.
import { layoutBlocks, planBreakpoints, type PromptBlock } from '../core/cache/planner.js';
import type { ModelInfo } from '../core/prices/schema.js';
import { messageFrameTokens } from '../core/tokens/estimator.js';
import { blockTokens, requestBlocks, type Json } from './requestBody.js';

/** Adds cache_control to `body` where the planner says; returns the reason for the ledger, or null when nothing was placed. */
export function placeCacheBreakpoints(body: Json, model: ModelInfo): string | null {
  const blocks = requestBlocks(body);
  if (blocks.length === 0 || blocks.some((block) => block.hasCacheControl)) return null;
  const tokens = blockTokens(blocks, model.family);
  const layout = layoutBlocks(
    blocks.map((block, i): PromptBlock => ({ area: block.area, role: block.role, text: block.text, tokens: tokens[i]! })),
    messageFrameTokens(model.family),
  );
  const planned = planBreakpoints(layout, { minCacheableTokens: model.minCacheableTokens, ttl: { prefix: '5m', turn: '5m', reason: '' } });
  const placed = new Set<number>();
  const labels: string[] = [];
  for (const breakpoint of planned) {
    // Thinking blocks cannot carry cache_control: the nearest earlier block that can caches almost the same prefix.
    let index = breakpoint.index;
    while (index >= 0 && !blocks[index]!.place) index--;
    if (index < 0 || placed.has(index)) continue;
    blocks[index]!.place!({ type: 'ephemeral' });
    placed.add(index);
    labels.push(`${breakpoint.label} at ${breakpoint.prefixTokens} tokens`);
  }
  if (placed.size === 0) return null;
  return `cache: Tally placed ${placed.size} breakpoint${placed.size === 1 ? '' : 's'} (${labels.join(', ')}); the client sent none`;
}
