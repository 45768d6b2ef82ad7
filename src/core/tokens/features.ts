import { decodeAt, decodedLength, fold, HASH_PRIME, HASH_SEED, isContinuationKind, isLatinKind, KIND, Kind, kindOf } from './charKinds.js';
import {
  BYTES,
  FEATURE_VECTOR_LENGTH,
  Feature,
  FIRST_SCRIPT_FEATURE,
  PIECES,
  RUNS,
  SCRIPT_FEATURES,
  TIER2,
  UNCOVERED,
  WHOLE,
} from './featureNames.js';
import { forgetSplits, latinRun, MAX_MISSES } from './latinWords.js';
import { addBigram, bigramCounts, PUNCT_EDGE, PUNCT_OFFSET, recordBigrams, WORD_EDGE } from './letterPairs.js';
import { filterHas, letterTier, wordTables, type WordTables } from './wordTables.js';

// Text features the token estimate is a linear function of, counted in one pass over the UTF-8
// bytes (the CLI never decodes its input; strings are encoded first). A "run" is a maximal
// stretch of characters of one run class (a word, a number, a punctuation cluster, an indent),
// consumed by a loop of its own. Each run's features depend on the run alone (and on whether a
// space precedes it, one byte back), never on what follows, so feature counts of adjacent pieces
// add up exactly when a piece boundary falls between whitespace and non-whitespace (see
// isChunkBoundary), which is what lets the incremental estimator recount only edited chunks.

/**
 * Every branch of the counting loops, run once before the first real count: V8 then optimises
 * them with feedback for all kinds of text, instead of deoptimising the first time a long input
 * turns from code to Cyrillic (which costs a cold `tally count` more than the tables' load).
 */
const PRIMER =
  'Hello wörld, getElementById(x) === 42; HTML_URL \t\r\n    привет мир, Ελλάδα, नमस्ते दुनिया, 你好世界, こんにちは, 안녕, ' +
  'ሰላም ᏣᎳᎩ 𐑞 😀 ─── … € ª ¿ ŋɛ a\u0301 \u200b ؟ ١٢ ‐ ∑ \u0000 \u2028 🎉 𠀀';
let primed = false;
let cachedFor: WordTables | undefined;

/** Adds the feature counts of the UTF-8 bytes[start..end) to `into` (length FEATURE_VECTOR_LENGTH). */
export function accumulateFeatures(bytes: Uint8Array, start: number, end: number, into: Float64Array): void {
  if (!primed) {
    primed = true;
    const sample = new TextEncoder().encode(PRIMER);
    const scratch = new Float64Array(FEATURE_VECTOR_LENGTH);
    const recorder = bigramCounts;
    recordBigrams(undefined);
    for (let round = 0; round < 3; round++) accumulateFeatures(sample, 0, sample.length, scratch);
    recordBigrams(recorder);
  }
  // One array type through the loops (a Node Buffer is a subclass with a map of its own).
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = wordTables();
  if (tables !== cachedFor) {
    forgetSplits(); // the split cache holds what these tables say about each word
    cachedFor = tables;
  }
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      const kind = KIND[b]!;
      if (kind === Kind.LatinLower || kind === Kind.LatinUpper) i = latinRun(bytes, i, end, into, tables);
      else if (kind === Kind.Space) {
        let j = i + 1;
        while (j < end && bytes[j] === 0x20) j++;
        const length = j - i;
        if (length === 1) into[Feature.space_len1]! += 1;
        else if (length <= 4) into[Feature.space_len2_4]! += 1;
        else if (length <= 8) into[Feature.space_len5_8]! += 1;
        else {
          into[Feature.space_len9plus]! += 1;
          into[Feature.spaces_past8]! += length - 8;
        }
        i = j;
      } else if (kind === Kind.Punct) i = punctRun(bytes, i, end, into, tables);
      else if (kind === Kind.Digit) {
        let j = i + 1;
        while (j < end && bytes[j]! >= 0x30 && bytes[j]! <= 0x39) j++;
        into[Feature.digit_runs]! += 1;
        into[Feature.digits]! += j - i;
        into[Feature.digit_groups]! += Math.ceil((j - i) / 3);
        i = j;
      } else if (kind === Kind.Newline) {
        let j = i + 1;
        while (j < end && (bytes[j] === 0x0a || bytes[j] === 0x0d)) j++;
        into[Feature.newline_runs]! += 1;
        into[Feature.newlines]! += j - i;
        i = j;
      } else if (kind === Kind.Tab) {
        let j = i + 1;
        while (j < end && bytes[j] === 0x09) j++;
        into[Feature.tab_runs]! += 1;
        into[Feature.tabs]! += j - i;
        i = j;
      } else {
        into[kind === Kind.OtherSpace ? Feature.other_spaces : Feature.controls]! += 1;
        i++;
      }
      continue;
    }
    const code = decodeAt(bytes, i);
    const kind = kindOf(code);
    if (isLatinKind(kind)) i = latinRun(bytes, i, end, into, tables);
    else if (kind >= Kind.Script) i = scriptRun(bytes, i, end, kind, into, tables);
    else if (kind === Kind.Symbol3Common || kind === Kind.Symbol3Rare) i = symbolRun(bytes, i, end, into);
    else {
      into[SINGLE_FEATURE[kind]!]! += 1;
      i += decodedLength;
    }
  }
}

/** Feature of a character that forms no run of its own. */
const SINGLE_FEATURE = new Uint8Array(Kind.Script);
SINGLE_FEATURE[Kind.Control] = Feature.controls;
SINGLE_FEATURE[Kind.OtherSpace] = Feature.other_spaces;
SINGLE_FEATURE[Kind.Newline] = Feature.newlines; // U+2028, U+2029
SINGLE_FEATURE[Kind.Digit] = Feature.digits;
SINGLE_FEATURE[Kind.Combining] = Feature.combining_marks;
SINGLE_FEATURE[Kind.ZeroWidth] = Feature.zero_width;
SINGLE_FEATURE[Kind.LowSurrogate] = Feature.controls;
SINGLE_FEATURE[Kind.Symbol2] = Feature.symbols_2byte;
SINGLE_FEATURE[Kind.CjkPunct] = Feature.cjk_punct;
SINGLE_FEATURE[Kind.Emoji] = Feature.emoji;

function punctRun(bytes: Uint8Array, i: number, end: number, into: Float64Array, tables: WordTables): number {
  let j = i + 1;
  let previous = bytes[i]!;
  let repeats = 0;
  for (; j < end; j++) {
    const b = bytes[j]!;
    if (b >= 0x80 || KIND[b] !== Kind.Punct) break;
    if (b === previous) repeats++;
    previous = b;
  }
  const length = j - i;
  // Letter-pair corrections for punctuation too (offset so they do not share buckets with letters).
  const pairs = tables.bigrams;
  addBigram(into, pairs, PUNCT_EDGE, bytes[i]! | PUNCT_OFFSET);
  for (let k = i + 1; k < j; k++) addBigram(into, pairs, bytes[k - 1]! | PUNCT_OFFSET, bytes[k]! | PUNCT_OFFSET);
  addBigram(into, pairs, bytes[j - 1]! | PUNCT_OFFSET, PUNCT_EDGE);
  // A repeat is priced by its own weight instead of its character's: runs (;;;;, ----) merge.
  into[Feature.punct_repeats]! += repeats;
  if (length === 1) into[Feature.punct_len1]! += 1;
  else {
    if (length === 2) into[Feature.punct_len2]! += 1;
    else {
      into[Feature.punct_len3plus]! += 1;
      // Characters past the second that are not repeats (a repeat at position 2 is not past it).
      into[Feature.punct_chars_past2]! += length - 2 - repeats + (repeats > 0 && bytes[i + 1] === bytes[i] ? 1 : 0);
    }
    into[Feature.punct_split_pieces]! += splitPunct(bytes, i, j, tables);
  }
  return j;
}

/** Longest punctuation piece looked up. */
const MAX_PUNCT_PIECE = 8;

/** Pieces of a greedy longest-match cut of an ASCII punctuation run into vocabulary pieces (a lone character is one). */
function splitPunct(bytes: Uint8Array, start: number, end: number, tables: WordTables): number {
  let pieces = 0;
  for (let position = start; position < end; pieces++) {
    let pieceEnd = position + 1;
    let hash = Math.imul(HASH_SEED ^ bytes[position]!, HASH_PRIME);
    for (let i = position + 1; i < end && i - position < MAX_PUNCT_PIECE; i++) {
      hash = Math.imul(hash ^ bytes[i]!, HASH_PRIME);
      if (filterHas(tables.punctPieces, hash >>> 0)) pieceEnd = i + 1;
    }
    position = pieceEnd;
  }
  return pieces;
}

/** The lookup hash of a run of ASCII punctuation (as a vocabulary piece would be), or undefined. */
export function punctKey(piece: string): number | undefined {
  if (piece.length < 2) return undefined;
  let hash = HASH_SEED;
  for (let i = 0; i < piece.length; i++) {
    const code = piece.charCodeAt(i);
    if (code >= 0x80 || KIND[code] !== Kind.Punct) return undefined;
    hash = Math.imul(hash ^ code, HASH_PRIME);
  }
  return hash >>> 0;
}

function symbolRun(bytes: Uint8Array, i: number, end: number, into: Float64Array): number {
  let previous = -1;
  while (i < end && bytes[i]! >= 0x80) {
    const code = decodeAt(bytes, i);
    const kind = kindOf(code);
    if (kind !== Kind.Symbol3Common && kind !== Kind.Symbol3Rare) break;
    into[
      code === previous ? Feature.symbol_repeats : kind === Kind.Symbol3Common ? Feature.symbols_3byte_common : Feature.symbols_3byte_rare
    ]! += 1;
    previous = code;
    i += decodedLength;
  }
  return i;
}

/** Longest piece of another script looked up, in characters. */
const MAX_SCRIPT_PIECE = 10;

/** A run of letters of one non-Latin script from bytes[i]: its features; returns where it ends. */
function scriptRun(bytes: Uint8Array, i: number, end: number, kind: number, into: Float64Array, tables: WordTables): number {
  const start = i;
  const base = FIRST_SCRIPT_FEATURE + (kind - Kind.Script) * SCRIPT_FEATURES.length;
  let hash = HASH_SEED;
  let previous = WORD_EDGE;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) break;
    const code = decodeAt(bytes, i);
    const kindHere = kindOf(code);
    if (kindHere !== kind) {
      if (!isContinuationKind(kindHere)) break;
      into[kindHere === Kind.Combining ? Feature.combining_marks : Feature.zero_width]! += 1;
    } else {
      const tier = code < 0x10000 ? letterTier(tables.letterTiers, code) : 3;
      if (tier >= 2) into[base + TIER2 + tier - 2]! += 1;
      addBigram(into, tables.bigrams, previous, fold(code));
      previous = fold(code);
    }
    hash = Math.imul(hash ^ fold(code), HASH_PRIME);
    i += decodedLength;
  }
  addBigram(into, tables.bigrams, previous, WORD_EDGE);
  into[base + RUNS]! += 1;
  into[base + BYTES]! += i - start;
  if (filterHas(tables.scriptPieces, hash >>> 0)) into[base + WHOLE]! += 1;
  else splitScriptRun(bytes, start, i, into, base, tables);
  return i;
}

/** Greedy longest-piece cut of bytes[start..end) (one script's run) into vocabulary pieces. */
function splitScriptRun(bytes: Uint8Array, start: number, end: number, into: Float64Array, base: number, tables: WordTables): void {
  let position = start;
  let pieces = 0;
  let uncovered = 0;
  while (position < end) {
    let pieceEnd = -1;
    let hash = HASH_SEED;
    let i = position;
    for (let letters = 0, misses = 0; i < end && letters < MAX_SCRIPT_PIECE; letters++) {
      const code = decodeAt(bytes, i);
      i += decodedLength;
      hash = Math.imul(hash ^ fold(code), HASH_PRIME);
      if (filterHas(tables.scriptPieces, hash >>> 0)) {
        pieceEnd = i;
        misses = 0;
      } else if (++misses === MAX_MISSES) break;
    }
    if (pieceEnd < 0) {
      decodeAt(bytes, position);
      uncovered += decodedLength;
      position += decodedLength;
    } else {
      pieces++;
      position = pieceEnd;
    }
  }
  into[base + PIECES]! += pieces;
  into[base + UNCOVERED]! += uncovered;
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);

/** Adds the features of text[start..end) (UTF-16 indexes) to `into`. */
export function accumulateTextFeatures(text: string, start: number, end: number, into: Float64Array): void {
  // A run looks one character back (is a word preceded by a space?), so the piece is encoded with
  // the character before it, which is then skipped.
  const from = start > 0 ? start - 1 : 0;
  const piece = from === 0 && end === text.length ? text : text.substring(from, end);
  if (scratch.length < piece.length * 3 + 3) scratch = new Uint8Array(piece.length * 3 + 3);
  const { written } = encoder.encodeInto(piece, scratch);
  const skip = start > 0 ? encoder.encodeInto(text.substring(from, start), scratch.subarray(written)).written : 0;
  accumulateFeatures(scratch, skip, written, into);
}

/** Feature vector of a whole text. */
export function textFeatures(text: string): Float64Array {
  const features = new Float64Array(FEATURE_VECTOR_LENGTH);
  accumulateTextFeatures(text, 0, text.length, features);
  return features;
}

/** Feature vector of UTF-8 bytes. */
export function utf8Features(bytes: Uint8Array): Float64Array {
  const features = new Float64Array(FEATURE_VECTOR_LENGTH);
  accumulateFeatures(bytes, 0, bytes.length, features);
  return features;
}
