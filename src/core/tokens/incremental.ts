// Re-estimates a large prompt on every keystroke. The text is cut into chunks at places where
// feature counts add up exactly (isChunkBoundary); each chunk keeps its feature counts. After an
// edit only the chunks that changed are recounted, found by comparing chunk text (and the
// character before it, which a chunk's first run looks at) with the new text from both ends.
// Counts are whole numbers, so the running total equals a full recount exactly.
import type { TokenizerFamily } from '../prices/schema.js';
import { bandFromFeatures, tokensFromFeatures, type TokenEstimate } from './estimator.js';
import { isChunkBoundary, isNewlineAt } from './charKinds.js';
import { FEATURE_VECTOR_LENGTH } from './featureNames.js';
import { accumulateTextFeatures } from './features.js';

/** Aim for chunks about this long: small enough to recount in microseconds, few enough to compare fast. */
const TARGET_CHUNK_CHARS = 2048;

interface Chunk {
  start: number;
  end: number;
  features: Float64Array;
}

export class IncrementalTokenEstimator {
  private text = '';
  private chunks: Chunk[] = [];
  private readonly total = new Float64Array(FEATURE_VECTOR_LENGTH);

  constructor(readonly family: TokenizerFamily) {}

  /** Content tokens of `text` (same as estimateTextTokens), recounting only what changed since the last call. */
  update(text: string): number {
    const previous = this.text;
    if (text !== previous) {
      // Unchanged chunks found by comparing from both ends (native string compares: fast).
      const chunks = this.chunks;
      const shift = text.length - previous.length;
      let first = 0;
      while (first < chunks.length && unchangedAt(previous, chunks[first]!, text, 0)) first++;
      let last = chunks.length - 1;
      const regionStart = first > 0 ? chunks[first - 1]!.end : 0;
      while (last >= first && chunks[last]!.start + shift >= regionStart && unchangedAt(previous, chunks[last]!, text, shift)) last--;
      this.replace(text, first, last);
    }
    return this.tokens(this.family);
  }

  /**
   * Same as update(text), for an editor that reports where it changed the text (VS Code's
   * contentChanges: offset, length replaced, text inserted): nothing is compared, so the cost
   * does not grow with the size of the prompt. `text` is the whole text after the change.
   */
  edit(text: string, offset: number, removedLength: number, insertedLength: number): number {
    const previous = this.text;
    if (offset < 0 || offset + removedLength > previous.length || text.length !== previous.length - removedLength + insertedLength) {
      return this.update(text); // not a change of the text we hold: fall back to comparing
    }
    const first = this.chunkAt(offset);
    const last = Math.max(first, this.chunkAt(offset + removedLength));
    this.replace(text, first, Math.min(last, this.chunks.length - 1));
    return this.tokens(this.family);
  }

  /** Content tokens of the current text for any family (the feature counts do not depend on it). */
  tokens(family: TokenizerFamily): number {
    return this.text === '' ? 0 : tokensFromFeatures(this.total, family);
  }

  /** tokens(family) with the range the true count is expected in (for showing the estimate as a range). */
  band(family: TokenizerFamily): TokenEstimate {
    return this.text === '' ? { tokens: 0, low: 0, high: 0 } : bandFromFeatures(this.total, family);
  }

  /** Index of the chunk holding position `offset` (chunks.length past the end). */
  private chunkAt(offset: number): number {
    const chunks = this.chunks;
    let low = 0;
    let high = chunks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (chunks[middle]!.end <= offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Recounts chunks first..last (old numbering) of the text, widened until both cuts are valid in `next`. */
  private replace(next: string, first: number, last: number): void {
    const chunks = this.chunks;
    const shift = next.length - this.text.length;
    const startOf = (index: number) => (index > 0 ? chunks[index - 1]!.end : 0);
    while (first > 0 && !isChunkBoundary(next, startOf(first))) first--;
    while (last + 1 < chunks.length && !isChunkBoundary(next, chunks[last + 1]!.start + shift)) last++;
    const regionStart = startOf(first);
    const regionEnd = last + 1 < chunks.length ? chunks[last + 1]!.start + shift : next.length;

    const replacement = chunkFeatures(next, regionStart, regionEnd);
    for (let i = first; i <= last && i < chunks.length; i++) subtract(this.total, chunks[i]!.features);
    for (const chunk of replacement) add(this.total, chunk.features);
    const suffix = chunks.slice(last + 1);
    if (shift !== 0) {
      for (const chunk of suffix) {
        chunk.start += shift;
        chunk.end += shift;
      }
    }
    this.chunks = [...chunks.slice(0, first), ...replacement, ...suffix];
    this.text = next;
  }
}

/**
 * Whether `chunk` of `previous` reappears unchanged in `next`, `shift` characters later, after
 * the same character (a chunk's first run looks one character back: is a space before it?).
 */
function unchangedAt(previous: string, chunk: Chunk, next: string, shift: number): boolean {
  const start = chunk.start + shift;
  if (start < 0 || chunk.end + shift > next.length) return false;
  // Substring equality compares the characters as a block (faster than startsWith here).
  if (chunk.start === 0) return start === 0 && next.substring(0, chunk.end) === previous.substring(0, chunk.end);
  return next.substring(start - 1, chunk.end + shift) === previous.substring(chunk.start - 1, chunk.end);
}

/** Cuts text[start..end) into chunks (both ends must be valid boundaries) and counts each. */
function chunkFeatures(text: string, start: number, end: number): Chunk[] {
  const chunks: Chunk[] = [];
  let position = start;
  while (position < end) {
    const cut = nextCut(text, position, end);
    const features = new Float64Array(FEATURE_VECTOR_LENGTH);
    accumulateTextFeatures(text, position, cut, features);
    chunks.push({ start: position, end: cut, features });
    position = cut;
  }
  return chunks;
}

/** A boundary about TARGET_CHUNK_CHARS past `from`, preferring line starts; `end` when there is none. */
function nextCut(text: string, from: number, end: number): number {
  const target = from + TARGET_CHUNK_CHARS;
  if (target >= end) return end;
  let fallback = -1;
  const limit = Math.min(end, target + TARGET_CHUNK_CHARS);
  for (let i = target; i < limit; i++) {
    if (!isChunkBoundary(text, i)) continue;
    if (isNewlineAt(text, i)) return i;
    if (fallback < 0) fallback = i;
  }
  if (fallback >= 0) return fallback;
  // No whitespace nearby (minified code, one long line of CJK): take the next boundary at all.
  for (let i = limit; i < end; i++) if (isChunkBoundary(text, i)) return i;
  return end;
}

function add(into: Float64Array, values: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i]! += values[i]!;
}

function subtract(into: Float64Array, values: Float64Array): void {
  for (let i = 0; i < into.length; i++) into[i]! -= values[i]!;
}
