// Latin words: by length, by whether the vocabularies hold them whole (and in which form), and an
// unknown word cut as a BPE vocabulary would cut it (camelCase humps, then the longest pieces).
import {
  decodeAt,
  decodedLength,
  fold,
  HASH_PRIME,
  HASH_SEED,
  isContinuationKind,
  isLatinKind,
  KIND,
  Kind,
  kindOf,
  MIN_KNOWN_WORD_LENGTH,
} from './charKinds.js';
import { BIGRAM_V3, BIGRAM_V47, Feature, type NamedFeature } from './featureNames.js';
import { bigramBucket, bigramCounts, WORD_EDGE } from './letterPairs.js';
import { filterHas, letterTier, type WordTables } from './wordTables.js';

/** Feature of a known Latin word by min(length, 12), and of an unknown one by min(length, 14). */
const KNOWN_LATIN_FEATURE = [0, 0, 0, 0, 4, 5, 6, 7, 8, 9, 10, 10, 12].map((length): number =>
  length === 0
    ? 0
    : Feature[length <= 9 ? (`latin_known_len${length}` as NamedFeature) : length <= 11 ? 'latin_known_len10_11' : 'latin_known_len12plus'],
);
const UNKNOWN_LATIN_FEATURE = [0, 0, 0, 0, 4, 5, 6, 7, 8, 9, 9, 11, 11, 11, 14].map((length): number =>
  length === 0
    ? 0
    : Feature[
        length <= 8
          ? (`latin_unknown_len${length}` as NamedFeature)
          : length <= 10
            ? 'latin_unknown_len9_10'
            : length <= 13
              ? 'latin_unknown_len11_13'
              : 'latin_unknown_len14plus'
      ],
);

/** A word of Latin letters from bytes[i]: its features; returns where it ends. */
export function latinRun(bytes: Uint8Array, i: number, end: number, into: Float64Array, tables: WordTables): number {
  const start = i;
  const unspaced = i === 0 || bytes[i - 1] !== 0x20;
  const pairs = tables.bigrams;
  const recorder = bigramCounts;
  let length = 0;
  let uppers = 0;
  let humps = 0;
  let capsRun = 0;
  let hash = HASH_SEED;
  let previousKind = -1;
  let previous = WORD_EDGE;
  let pairsV3 = 0;
  let pairsV47 = 0;
  let nonAscii = false;
  let rare = false;
  while (i < end) {
    const b = bytes[i]!;
    let kind: number;
    let folded: number;
    if (b < 0x80) {
      kind = KIND[b]!;
      if (kind !== Kind.LatinLower && kind !== Kind.LatinUpper) break;
      folded = b | 0x20; // ASCII lower case
      i++;
    } else {
      const code = decodeAt(bytes, i);
      kind = kindOf(code);
      if (!isLatinKind(kind) && !isContinuationKind(kind)) break;
      i += decodedLength;
      nonAscii = true;
      if (isContinuationKind(kind)) {
        into[kind === Kind.Combining ? Feature.combining_marks : Feature.zero_width]! += 1;
        hash = Math.imul(hash ^ code, HASH_PRIME);
        continue;
      }
      into[kind === Kind.Latin1Accented ? Feature.latin1_accented : Feature.latin_extended]! += 1;
      const tier = letterTier(tables.letterTiers, code);
      if (tier > 0) {
        into[Feature.latin_tier1_letters + tier - 1]! += 1;
        if (tier > 1) rare = true;
      }
      folded = fold(code);
    }
    hash = Math.imul(hash ^ folded, HASH_PRIME);
    const bucket = bigramBucket(previous, folded);
    pairsV3 += pairs[bucket * 2]!;
    pairsV47 += pairs[bucket * 2 + 1]!;
    if (recorder) recorder[bucket]! += 1;
    previous = folded;
    length++;
    if (kind === Kind.LatinUpper) {
      uppers++;
      if (previousKind === Kind.LatinLower) humps++;
      else if (previousKind === Kind.LatinUpper) capsRun++;
    } else if (length === 2 && previousKind === Kind.LatinUpper && kind === Kind.LatinLower) into[Feature.latin_capitalized]! += 1;
    previousKind = kind;
  }
  const bucket = bigramBucket(previous, WORD_EDGE);
  into[BIGRAM_V3]! += pairsV3 + pairs[bucket * 2]!;
  into[BIGRAM_V47]! += pairsV47 + pairs[bucket * 2 + 1]!;
  if (recorder) recorder[bucket]! += 1;
  if (humps > 0) into[Feature.latin_camel_humps]! += humps;
  if (capsRun > 0) into[Feature.latin_caps_run]! += capsRun;
  hash >>>= 0;
  if (nonAscii) into[Feature.latin_nonascii_words]! += 1;
  if (rare) into[Feature.latin_rare_words]! += 1;
  if (uppers === length && length >= 2)
    into[filterHas(tables.latinCaps, hash) ? Feature.latin_caps_known : Feature.latin_caps_unknown]! += 1;
  if (unspaced) into[Feature.latin_unspaced_words]! += 1;
  if (length <= 3) into[Feature.latin_len1 + length - 1]! += 1;
  else if (filterHas(tables.latinKnown, hash)) {
    if (unspaced) into[Feature.latin_unspaced_known]! += 1;
    into[KNOWN_LATIN_FEATURE[Math.min(length, 12)]!]! += 1;
    if (!filterHas(tables.latinCommon, hash)) into[length <= 6 ? Feature.latin_uncommon_len4_6 : Feature.latin_uncommon_len7plus]! += 1;
  } else if (filterHas(tables.latinPieces, hash)) {
    // Not a word of the main vocabulary but a piece of the multilingual one.
    into[
      length <= 6
        ? Feature.latin_multilingual_len4_6
        : length <= 9
          ? Feature.latin_multilingual_len7_9
          : Feature.latin_multilingual_len10plus
    ]! += 1;
  } else {
    into[UNKNOWN_LATIN_FEATURE[Math.min(length, 14)]!]! += 1;
    if (length > 13) into[Feature.latin_letters_past13]! += length - 13;
    if (length >= MIN_SPLIT_WORD_LENGTH) splitUnknownWord(bytes, start, i, hash, into, tables);
  }
  return i;
}

/** Shorter unknown words are priced by length alone. */
const MIN_SPLIT_WORD_LENGTH = 5;
/** Longer prefixes stop being looked up after this many misses in a row. */
export const MAX_MISSES = 3;
/** Longest piece looked up: longer vocabulary words are rare, and it bounds the work per letter. */
const MAX_PIECE_LETTERS = 16;

// Identifiers recur through a program, so splits are remembered by word: a direct-mapped cache
// that holds each word's bytes (copied, so nothing is allocated) and checks them, so a hit is
// exactly what a fresh split would give.
const SPLIT_CACHE_SIZE = 4096;
const MAX_CACHED_WORD_BYTES = 32;
const splitCacheLengths = new Uint8Array(SPLIT_CACHE_SIZE);
const splitCacheBytes = new Uint8Array(SPLIT_CACHE_SIZE * MAX_CACHED_WORD_BYTES);
// One slot more than the cache: where an uncached split's counts pass through.
const splitCacheCounts = new Uint32Array((SPLIT_CACHE_SIZE + 1) * 3);
// Counts of the split in progress: short segments, known pieces, uncovered letters.
let shortSegments = 0;
let knownPieces = 0;
let uncoveredLetters = 0;

function isCached(slot: number, bytes: Uint8Array, start: number, end: number): boolean {
  if (slot === SPLIT_CACHE_SIZE || splitCacheLengths[slot] !== end - start) return false;
  for (let i = start, at = slot * MAX_CACHED_WORD_BYTES; i < end; i++, at++) if (splitCacheBytes[at] !== bytes[i]) return false;
  return true;
}

/** Features of an unknown Latin word bytes[start..end): cut at camelCase humps, each segment split further. */
function splitUnknownWord(bytes: Uint8Array, start: number, end: number, hash: number, into: Float64Array, tables: WordTables): void {
  const slot = end - start <= MAX_CACHED_WORD_BYTES ? hash & (SPLIT_CACHE_SIZE - 1) : SPLIT_CACHE_SIZE;
  if (!isCached(slot, bytes, start, end)) {
    shortSegments = knownPieces = uncoveredLetters = 0;
    let segmentStart = start;
    let previousKind = -1;
    for (let i = start; i < end;) {
      const b = bytes[i]!;
      const kind = b < 0x80 ? KIND[b]! : kindOf(decodeAt(bytes, i));
      if (kind === Kind.LatinUpper && previousKind === Kind.LatinLower) {
        splitSegment(bytes, segmentStart, i, tables);
        segmentStart = i;
      }
      previousKind = kind;
      i += b < 0x80 ? 1 : decodedLength;
    }
    splitSegment(bytes, segmentStart, end, tables);
    if (slot < SPLIT_CACHE_SIZE) {
      splitCacheLengths[slot] = end - start;
      for (let i = start, at = slot * MAX_CACHED_WORD_BYTES; i < end; i++, at++) splitCacheBytes[at] = bytes[i]!;
    }
    splitCacheCounts[slot * 3] = shortSegments;
    splitCacheCounts[slot * 3 + 1] = knownPieces;
    splitCacheCounts[slot * 3 + 2] = uncoveredLetters;
  }
  into[Feature.latin_split_short_segments]! += splitCacheCounts[slot * 3]!;
  into[Feature.latin_split_pieces]! += splitCacheCounts[slot * 3 + 1]!;
  into[Feature.latin_split_uncovered_letters]! += splitCacheCounts[slot * 3 + 2]!;
}

/**
 * Cuts a camelCase segment greedily into the longest pieces (2+ letters) the vocabularies hold,
 * from its start; a letter no piece starts with is paid alone. Segments of 1-3 letters are not cut.
 */
function splitSegment(bytes: Uint8Array, start: number, end: number, tables: WordTables): void {
  let letters = 0;
  for (let i = start; i < end && letters < MIN_KNOWN_WORD_LENGTH;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      letters++;
      i++;
    } else {
      if (!isContinuationKind(kindOf(decodeAt(bytes, i)))) letters++;
      i += decodedLength;
    }
  }
  if (letters < MIN_KNOWN_WORD_LENGTH) {
    shortSegments++;
    return;
  }
  let position = start;
  while (position < end) {
    let pieceEnd = -1;
    let firstEnd = -1;
    let hash = HASH_SEED;
    let i = position;
    let misses = 0;
    letters = 0;
    while (i < end && letters < MAX_PIECE_LETTERS) {
      const charStart = i;
      const b = bytes[i]!;
      const code = b < 0x80 ? b : decodeAt(bytes, i);
      i += b < 0x80 ? 1 : decodedLength;
      if (b >= 0x80 && isContinuationKind(kindOf(code))) {
        hash = Math.imul(hash ^ code, HASH_PRIME);
        if (firstEnd === charStart) firstEnd = i; // a mark stays with its letter
        continue;
      }
      hash = Math.imul(hash ^ fold(code), HASH_PRIME);
      letters++;
      if (letters === 1) firstEnd = i;
      else if (filterHas(tables.latinPieces, hash >>> 0)) {
        pieceEnd = i;
        misses = 0;
      } else if (++misses === MAX_MISSES) break; // a vocabulary piece's prefixes are mostly pieces too
    }
    if (firstEnd < 0) return; // only marks left
    if (pieceEnd < 0) {
      uncoveredLetters++;
      position = firstEnd;
    } else {
      knownPieces++;
      position = pieceEnd;
    }
  }
}

/** Forgets the remembered splits (they hold what one set of tables says about each word). */
export function forgetSplits(): void {
  splitCacheLengths.fill(0);
}
