// Prompt caching as Anthropic documents it: per model, an entry per breakpoint keyed by the exact
// prefix up to it; a hit is the longest live prefix found at a breakpoint or up to 20 blocks before
// it; a hit refreshes the TTL of that entry and of every shorter cached prefix inside it (they are
// read too); a prefix shorter than the model's minimum caches nothing; writes are billed by the TTL
// of the breakpoint that ends them.
import { createHash } from 'node:crypto';
import type { ParsedPrompt, Ttl } from './prompt.js';

export const LOOKBACK_BLOCKS = 20;
export const TTL_MS: Record<Ttl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

export interface CacheUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

interface Entry {
  ttl: Ttl;
  expiresAt: number;
}

export class PromptCache {
  private readonly entries = new Map<string, Entry>();

  clear(): void {
    this.entries.clear();
  }

  /** Live entries (for tests and the control endpoint). */
  size(now: number): number {
    let live = 0;
    for (const entry of this.entries.values()) if (entry.expiresAt > now) live++;
    return live;
  }

  /** Reads and writes the cache for one request at time `now` (fake-clock ms) and returns its usage. */
  apply(prompt: ParsedPrompt, now: number): CacheUsage {
    const keys = prefixKeys(prompt);
    const prefixTokens = cumulativeTokens(prompt);
    const breakpoints = prompt.blocks.flatMap((block, index) => (block.breakpoint ? [index] : []));

    let hit = -1;
    for (const breakpoint of breakpoints) {
      for (let index = breakpoint; index >= Math.max(0, breakpoint - LOOKBACK_BLOCKS); index--) {
        if (index <= hit) break;
        if (this.live(keys[index]!, now)) {
          hit = index;
          break;
        }
      }
    }
    // Reading a prefix uses every shorter cached prefix inside it too: each live one is refreshed.
    for (let index = 0; index <= hit; index++) {
      const entry = this.live(keys[index]!, now) ? this.entries.get(keys[index]!)! : undefined;
      if (entry) entry.expiresAt = now + TTL_MS[entry.ttl];
    }

    const written = { '5m': 0, '1h': 0 };
    let covered = hit >= 0 ? prefixTokens[hit]! : 0;
    for (const index of breakpoints) {
      if (index <= hit) continue;
      if (prefixTokens[index]! < prompt.model.minCacheableTokens) continue;
      const ttl = prompt.blocks[index]!.breakpoint!;
      this.entries.set(keys[index]!, { ttl, expiresAt: now + TTL_MS[ttl] });
      written[ttl] += prefixTokens[index]! - covered;
      covered = prefixTokens[index]!;
    }

    const read = hit >= 0 ? prefixTokens[hit]! : 0;
    const creation = written['5m'] + written['1h'];
    return {
      input_tokens: prompt.totalTokens - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: written['5m'], ephemeral_1h_input_tokens: written['1h'] },
    };
  }

  private live(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (entry.expiresAt > now) return true;
    this.entries.delete(key);
    return false;
  }
}

/** Key of the prefix ending at each block: model plus every block's content up to it. */
function prefixKeys(prompt: ParsedPrompt): string[] {
  let running = prompt.model.id;
  return prompt.blocks.map((block) => {
    running = createHash('sha256').update(running).update('\u0000').update(block.canonical).digest('hex');
    return running;
  });
}

/** Tokens of the prefix ending at each block, the frame included (the minimum applies to this). */
function cumulativeTokens(prompt: ParsedPrompt): number[] {
  let total = prompt.frameTokens;
  return prompt.blocks.map((block) => (total += block.tokens));
}
