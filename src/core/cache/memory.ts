import * as v from 'valibot';
import { CacheModel, type CacheEntry } from './state.js';

// What Tally knows about warm prompt caches outlives the process (a window reload, the next
// `tally chat`): without it the first turn after a reload is estimated, and budgeted, cold.

/** Where a host keeps the cache model between runs (VS Code's workspace state, a file). */
export interface CacheMemory {
  load(): unknown;
  save(entries: readonly CacheEntry[]): void;
}

const EntrySchema = v.object({
  model: v.pipe(v.string(), v.nonEmpty()),
  prefixKey: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  tokens: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  ttl: v.picklist(['5m', '1h']),
  expiresAtMs: v.pipe(v.number(), v.finite()),
});

/** The entries of a saved snapshot that are well-formed; anything else (an older format, a hand edit) is dropped. */
export function parseCacheSnapshot(raw: unknown): CacheEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    const parsed = v.safeParse(EntrySchema, item);
    return parsed.success ? [parsed.output] : [];
  });
}

/** A cache model restored from `memory` and saved back to it after every response (a plain one without memory). */
export function rememberedCache(memory: CacheMemory | undefined, clock: () => number): CacheModel {
  if (!memory) return new CacheModel();
  const cache: CacheModel = new CacheModel(() => memory.save(cache.snapshot(clock())));
  cache.restore(parseCacheSnapshot(memory.load()), clock());
  return cache;
}
