// Letter-pair corrections: each pair of adjacent letters (and of a word's edges) falls in one of
// 2^14 buckets, each with a fitted correction per vocabulary model (wordTables.ts bigrams); a
// run adds its pairs' corrections to the two bigrams_ features.
import { BIGRAM_V3, BIGRAM_V47 } from './featureNames.js';

export const BIGRAM_LOG2_BUCKETS = 14;
const BIGRAM_SHIFT = 32 - BIGRAM_LOG2_BUCKETS;
/** Pseudo-letters marking where a word starts and ends, so its first and last letters get pairs too. */
export const WORD_EDGE = 0x1fffff;
export const PUNCT_EDGE = 0x1ffffe;
/** Punctuation pairs are offset so that they do not share buckets with letters. */
export const PUNCT_OFFSET = 0x200000;
/** Bucket of the letter pair (a, b), both case-folded code points. */
export const bigramBucket = (a: number, b: number) => Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> BIGRAM_SHIFT;

/** Where calibration counts each text's pairs per bucket (scripts/calibrate-tokens.ts), if it does. */
export let bigramCounts: Float64Array | undefined;
export function recordBigrams(into: Float64Array | undefined): void {
  bigramCounts = into;
}

export function addBigram(into: Float64Array, weights: Int8Array, a: number, b: number): void {
  const bucket = bigramBucket(a, b);
  into[BIGRAM_V3]! += weights[bucket * 2]!;
  into[BIGRAM_V47]! += weights[bucket * 2 + 1]!;
  if (bigramCounts) bigramCounts[bucket]! += 1;
}
