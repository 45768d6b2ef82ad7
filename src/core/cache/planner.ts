import { createHash } from 'node:crypto';
import type { Ttl, TtlChoice } from './ttl.js';

/** The Messages API caches at most this many breakpoints per request. */
export const MAX_BREAKPOINTS = 4;
/** A breakpoint finds an earlier cache entry only within this many blocks before it. */
export const LOOKBACK_BLOCKS = 20;

/** Where a block sits in the request; decides which breakpoints it can carry. */
export type BlockArea = 'system' | 'context' | 'summary' | 'history' | 'turn';

/** One content block of a request, in request order (system blocks first, then messages). */
export interface PromptBlock {
  area: BlockArea;
  role: 'system' | 'user' | 'assistant';
  text: string;
  /** Estimated tokens of this block on the target model. */
  tokens: number;
}

/** Blocks with what the cache keys on: the whole prefix up to and including each block. */
export interface PromptLayout {
  blocks: readonly PromptBlock[];
  /** prefixKeys[i] identifies blocks[0..i]; equal keys mean an identical prefix. */
  prefixKeys: readonly string[];
  /** cumulativeTokens[i] = tokens of the frame and blocks[0..i]. */
  cumulativeTokens: readonly number[];
  /** Last context block not edited most recently (-1 if none): a breakpoint there survives an edit to a later file. */
  stableEnd: number;
}

export type BreakpointLabel = 'turn' | 'prefix' | 'system' | 'stable' | 'bridge';

export interface Breakpoint {
  /** Index of the block carrying cache_control. */
  index: number;
  ttl: Ttl;
  label: BreakpointLabel;
  /** Tokens of the prefix this breakpoint caches. */
  prefixTokens: number;
}

/** `frameTokens`: what the API adds around every request; part of every cached prefix. */
export function layoutBlocks(blocks: readonly PromptBlock[], frameTokens: number, stableEnd = -1): PromptLayout {
  let total = frameTokens;
  const prefixKeys: string[] = [];
  const cumulativeTokens: number[] = [];
  for (const block of blocks) {
    prefixKeys.push(prefixKey(prefixKeys.at(-1) ?? '', block));
    total += block.tokens;
    cumulativeTokens.push(total);
  }
  return { blocks, prefixKeys, cumulativeTokens, stableEnd };
}

/**
 * `layout` with one more block at the end, hashing only that block: a draft re-priced on every
 * keystroke re-sends the same system prompt, files and history, whose keys are already known.
 */
export function appendBlock(layout: PromptLayout, block: PromptBlock, frameTokens: number): PromptLayout {
  return {
    blocks: [...layout.blocks, block],
    prefixKeys: [...layout.prefixKeys, prefixKey(layout.prefixKeys.at(-1) ?? '', block)],
    cumulativeTokens: [...layout.cumulativeTokens, (layout.cumulativeTokens.at(-1) ?? frameTokens) + block.tokens],
    stableEnd: layout.stableEnd,
  };
}

/** The cache key of a prefix: the key of everything before it, then this block's role and text. */
function prefixKey(previous: string, block: PromptBlock): string {
  return createHash('sha256').update(previous).update('\0').update(block.role).update('\0').update(block.text).digest('hex');
}

export interface PlanOptions {
  minCacheableTokens: number;
  ttl: TtlChoice;
  /** Block indexes whose prefix is warm on the target model (from the cache model). */
  warmIndexes?: readonly number[];
}

/**
 * Places up to four breakpoints, most valuable first:
 * 1. turn: the latest block, so the next turn reads everything before it (rolling);
 * 2. prefix: the end of system + context (+ summary), which survives a change of history;
 * 3. bridge: a warm entry the turn breakpoint cannot see (more than 20 blocks back);
 * 4. system: the end of the system prompt, which survives a change of context;
 * 5. stable: the end of the files not edited lately, which survives another edit of the latest file.
 * A breakpoint whose prefix is under the model's minimum cacheable length is never placed (it
 * would not cache), and TTLs never increase along the prompt (1h entries come before 5m ones).
 */
export function planBreakpoints(layout: PromptLayout, options: PlanOptions): Breakpoint[] {
  const { blocks, cumulativeTokens } = layout;
  const last = blocks.length - 1;
  if (last < 0) return [];
  const lastOf = (areas: BlockArea[]) => findLastIndex(blocks, (block) => areas.includes(block.area));
  const prefixEnd = lastOf(['system', 'context', 'summary']);
  const candidates: Array<{ index: number; label: BreakpointLabel; ttl: Ttl }> = [];
  if (blocks[last]!.area === 'turn' || blocks[last]!.area === 'history')
    candidates.push({ index: last, label: 'turn', ttl: options.ttl.turn });
  candidates.push({ index: prefixEnd, label: 'prefix', ttl: options.ttl.prefix });
  const bridge = bridgeIndex(last, prefixEnd, options.warmIndexes ?? []);
  if (bridge !== undefined) candidates.push({ index: bridge, label: 'bridge', ttl: options.ttl.turn });
  candidates.push({ index: lastOf(['system']), label: 'system', ttl: options.ttl.prefix });
  candidates.push({ index: layout.stableEnd, label: 'stable', ttl: options.ttl.prefix });

  const chosen: Breakpoint[] = [];
  for (const candidate of candidates) {
    if (chosen.length === MAX_BREAKPOINTS) break;
    if (candidate.index < 0 || chosen.some((bp) => bp.index === candidate.index)) continue;
    const prefixTokens = cumulativeTokens[candidate.index]!;
    if (prefixTokens < options.minCacheableTokens) continue;
    chosen.push({ ...candidate, prefixTokens });
  }
  chosen.sort((a, b) => a.index - b.index);
  for (let i = chosen.length - 2; i >= 0; i--) {
    if (chosen[i + 1]!.ttl === '1h') chosen[i]!.ttl = '1h';
  }
  return chosen;
}

/**
 * The turn breakpoint looks back 20 blocks for an entry to read. When the nearest warm entry
 * after the prefix is further back than that (a long stretch of history since it was written),
 * a breakpoint on it reads it exactly.
 */
function bridgeIndex(last: number, prefixEnd: number, warmIndexes: readonly number[]): number | undefined {
  const reachable = warmIndexes.some((index) => index <= last && index >= last - LOOKBACK_BLOCKS);
  if (reachable) return undefined;
  const furthest = Math.max(-1, ...warmIndexes.filter((index) => index > prefixEnd && index < last - LOOKBACK_BLOCKS));
  return furthest > prefixEnd ? furthest : undefined;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}
