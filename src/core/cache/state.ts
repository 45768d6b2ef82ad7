import { splitUsage, type Usage } from '../prices/cost.js';
import { LOOKBACK_BLOCKS, type Breakpoint, type PromptLayout } from './planner.js';
import { TTL_MS, type Ttl } from './ttl.js';

/** One prefix the server holds for a model, as far as Tally can tell. */
export interface CacheEntry {
  model: string;
  prefixKey: string;
  tokens: number;
  ttl: Ttl;
  expiresAtMs: number;
}

/** What a request is expected to read from, write to and bypass the cache. */
export interface CachePrediction {
  readTokens: number;
  write5mTokens: number;
  write1hTokens: number;
  /** Prompt tokens after the last breakpoint (billed at the input rate). */
  uncachedTokens: number;
  /** Index of the block whose cached prefix is read, -1 for none. */
  readIndex: number;
}

/** A warm prefix another part (the router's switch rule) can weigh. */
export interface WarmPrefix {
  model: string;
  prefixTokens: number;
  expiresAtMs: number;
}

/**
 * Tally's local model of Anthropic's prompt cache: which prefix was written on which model and
 * when it expires. Updated from each response's usage, so estimates before sending and the
 * router's choice use what the server really holds (as far as a client can know it).
 */
export class CacheModel {
  private readonly entries = new Map<string, CacheEntry>();

  /** `onRecord` is told after each response updated the model, so a host can persist it. */
  constructor(private readonly onRecord?: () => void) {}

  /** Puts back what a snapshot held (after a window reload); expired entries are dropped. */
  restore(entries: readonly CacheEntry[], nowMs: number): void {
    for (const entry of entries) {
      if (entry.expiresAtMs > nowMs) this.entries.set(entryKey(entry.model, entry.prefixKey), { ...entry });
    }
  }

  /** Block indexes of `layout` whose prefix is warm on `model` at `nowMs`. */
  warmIndexes(model: string, layout: PromptLayout, nowMs: number): number[] {
    const warm: number[] = [];
    layout.prefixKeys.forEach((key, index) => {
      if (this.warmEntry(model, key, nowMs)) warm.push(index);
    });
    return warm;
  }

  /** The longest prefix of `layout` warm on `model` at `nowMs`: its last block and its size as the server counted it. */
  longestWarmPrefix(model: string, layout: PromptLayout, nowMs: number): { index: number; tokens: number } | null {
    for (let index = layout.prefixKeys.length - 1; index >= 0; index--) {
      const entry = this.warmEntry(model, layout.prefixKeys[index]!, nowMs);
      if (entry) return { index, tokens: entry.tokens };
    }
    return null;
  }

  /** Mirrors the server: each breakpoint reads the longest warm prefix within its lookback, the rest up to each breakpoint is written at its TTL. */
  predict(model: string, layout: PromptLayout, breakpoints: readonly Breakpoint[], nowMs: number): CachePrediction {
    const total = layout.cumulativeTokens.at(-1) ?? 0;
    const readIndex = this.readIndex(model, layout, breakpoints, nowMs);
    // A read is billed at the size the server counted when it wrote the entry (exact from its usage).
    const readTokens = readIndex >= 0 ? this.warmEntry(model, layout.prefixKeys[readIndex]!, nowMs)!.tokens : 0;
    let written = readTokens;
    let write5mTokens = 0;
    let write1hTokens = 0;
    for (const bp of breakpoints) {
      if (bp.prefixTokens <= written) continue;
      const tokens = bp.prefixTokens - written;
      if (bp.ttl === '1h') write1hTokens += tokens;
      else write5mTokens += tokens;
      written = bp.prefixTokens;
    }
    return { readTokens, write5mTokens, write1hTokens, uncachedTokens: Math.max(0, total - written), readIndex };
  }

  /**
   * Records what a request left in the cache, as the server does it: the entry read, and every
   * shorter cached prefix inside it, is refreshed for its own TTL; every breakpoint after it is
   * written with its TTL from `sentAtMs`. Token counts are scaled to what the server reported.
   */
  record(model: string, layout: PromptLayout, breakpoints: readonly Breakpoint[], usage: Usage, sentAtMs: number): void {
    // Expired entries go here, once per request, so a model shared for a whole editor session stays small.
    for (const [key, entry] of this.entries) if (entry.expiresAtMs <= sentAtMs) this.entries.delete(key);
    const split = splitUsage(usage);
    if (split.cacheWrite5m + split.cacheWrite1h + split.cacheRead === 0) return; // the server cached nothing
    this.update(model, layout, breakpoints, split, sentAtMs);
    this.onRecord?.();
  }

  private update(
    model: string,
    layout: PromptLayout,
    breakpoints: readonly Breakpoint[],
    split: ReturnType<typeof splitUsage>,
    sentAtMs: number,
  ): void {
    const estimated = layout.cumulativeTokens.at(-1) ?? 0;
    const actual = split.input + split.cacheRead + split.cacheWrite5m + split.cacheWrite1h;
    const scale = estimated > 0 ? actual / estimated : 1;
    const readIndex = this.readIndex(model, layout, breakpoints, sentAtMs);
    if (readIndex >= 0) {
      // Reading a prefix uses every shorter cached prefix inside it, so the server refreshes each live
      // one too (e.g. the system-prompt entry under a turn that is read): without this, they lapse
      // here while the server keeps them, and the turn after an edit is predicted cold but reads them.
      for (let index = 0; index <= readIndex; index++) {
        const inside = this.warmEntry(model, layout.prefixKeys[index]!, sentAtMs);
        if (inside) inside.expiresAtMs = sentAtMs + TTL_MS[inside.ttl];
      }
      if (split.cacheRead > 0) this.warmEntry(model, layout.prefixKeys[readIndex]!, sentAtMs)!.tokens = split.cacheRead;
    }
    // The usage pins some prefixes exactly: the last breakpoint (read + every write) and, when TTLs
    // are mixed, the last 1-hour one (read + 1-hour writes); the rest are scaled estimates.
    const written = breakpoints.filter((bp) => bp.index > readIndex);
    const lastOneHour = written.filter((bp) => bp.ttl === '1h').at(-1);
    for (const bp of written) {
      const prefixKey = layout.prefixKeys[bp.index]!;
      const tokens =
        bp === written.at(-1)
          ? split.cacheRead + split.cacheWrite5m + split.cacheWrite1h
          : bp === lastOneHour && split.cacheWrite5m > 0
            ? split.cacheRead + split.cacheWrite1h
            : Math.round(layout.cumulativeTokens[bp.index]! * scale);
      this.entries.set(entryKey(model, prefixKey), { model, prefixKey, tokens, ttl: bp.ttl, expiresAtMs: sentAtMs + TTL_MS[bp.ttl] });
    }
  }

  /** For the router: per model, the longest prefix of this request that is warm there, and until when. */
  warmPrefixes(layout: PromptLayout, nowMs: number): WarmPrefix[] {
    const best = new Map<string, WarmPrefix>();
    for (const entry of this.entries.values()) {
      if (entry.expiresAtMs <= nowMs || !layout.prefixKeys.includes(entry.prefixKey)) continue;
      const current = best.get(entry.model);
      if (!current || entry.tokens > current.prefixTokens) {
        best.set(entry.model, { model: entry.model, prefixTokens: entry.tokens, expiresAtMs: entry.expiresAtMs });
      }
    }
    return [...best.values()];
  }

  /** Everything still warm, for display and persistence. */
  snapshot(nowMs: number): CacheEntry[] {
    return [...this.entries.values()].filter((entry) => entry.expiresAtMs > nowMs);
  }

  private readIndex(model: string, layout: PromptLayout, breakpoints: readonly Breakpoint[], nowMs: number): number {
    let best = -1;
    for (const bp of breakpoints) {
      for (let index = bp.index; index >= Math.max(0, bp.index - LOOKBACK_BLOCKS); index--) {
        if (index <= best) break;
        if (this.warmEntry(model, layout.prefixKeys[index]!, nowMs)) {
          best = index;
          break;
        }
      }
    }
    return best;
  }

  private warmEntry(model: string, prefixKey: string, nowMs: number): CacheEntry | undefined {
    const entry = this.entries.get(entryKey(model, prefixKey));
    return entry && entry.expiresAtMs > nowMs ? entry : undefined;
  }
}

function entryKey(model: string, prefixKey: string): string {
  return `${model}\n${prefixKey}`;
}
