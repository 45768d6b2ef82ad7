import { SCRIPT_RANGES, SCRIPTS, type Script } from './scripts.js';
import { filterHas, letterTier, wordTables, type WordTables } from './wordTables.js';

// Text features the token estimate is a linear function of, counted in one pass over the UTF-8
// bytes (the CLI never decodes its input; strings are encoded first). A "run" is a maximal
// stretch of characters of one run class (a word, a number, a punctuation cluster, an indent),
// consumed by a loop of its own. Each run's features depend on the run alone (and on whether a
// space precedes it, one byte back), never on what follows, so feature counts of adjacent pieces
// add up exactly when a piece boundary falls between whitespace and non-whitespace (see
// isChunkBoundary), which is what lets the incremental estimator recount only edited chunks.

/**
 * The features counted by name, in vector order (an enum so that esbuild inlines each index
 * into the counting loops as a constant); the script blocks and the letter-pair sums follow.
 */
enum Feature {
  // Latin words (ASCII and accented letters): short ones by length; longer ones by whether a
  // common tokenizer vocabulary holds them whole (see wordTables.ts) and by length.
  latin_len1,
  latin_len2,
  latin_len3,
  latin_known_len4,
  latin_known_len5,
  latin_known_len6,
  latin_known_len7,
  latin_known_len8,
  latin_known_len9,
  latin_known_len10_11,
  latin_known_len12plus,
  latin_uncommon_len4_6, // known but not among the most frequent words: extra cost on top of known_
  latin_uncommon_len7plus,
  latin_multilingual_len4_6, // not in the main vocabulary but whole in a multilingual one
  latin_multilingual_len7_9,
  latin_multilingual_len10plus,
  latin_unknown_len4,
  latin_unknown_len5,
  latin_unknown_len6,
  latin_unknown_len7,
  latin_unknown_len8,
  latin_unknown_len9_10,
  latin_unknown_len11_13,
  latin_unknown_len14plus,
  latin_letters_past13,
  // An unknown word of 5+ letters cut as a BPE vocabulary would: at camelCase humps, then greedily
  // into the longest pieces (2+ letters) the vocabularies hold; a letter no piece covers is paid alone.
  latin_split_short_segments, // hump segments of 1-3 letters (get|Element|By|Id)
  latin_split_pieces,
  latin_split_uncovered_letters,
  latin_camel_humps, // lower→upper inside a word
  latin_caps_run, // upper after upper inside a word
  latin_capitalized, // a word starting upper then lower (The, Hello)
  // A word a space does not precede (after punctuation, an indent, a newline): the pre-tokenizer
  // cannot fold a space into it, and vocabularies hold fewer such forms.
  latin_unspaced_words,
  latin_unspaced_known,
  latin_caps_known, // a word in capitals (2+ letters) that a vocabulary holds in capitals
  latin_caps_unknown,
  latin_nonascii_words, // words with an accented letter: vocabularies hold fewer of them
  latin_rare_words, // words with a letter of tier 2 or 3 (below): they break into small pieces
  latin1_accented, // é, ü, ø… (U+00C0–U+00FF)
  latin_extended, // ŋ, ɛ, ẹ, ő… (U+0100 and up)
  // Accented letters by how many vocabulary pieces hold them (wordTables.ts letterTiers): é is
  // everywhere, ř in some pieces, ɛ or ŋ in almost none.
  latin_tier1_letters,
  latin_tier2_letters,
  latin_tier3_letters,

  combining_marks,
  zero_width,
  digit_runs,
  digits,
  digit_groups, // ceil(length / 3) per number
  punct_len1,
  punct_len2,
  punct_len3plus,
  punct_chars_past2, // other than repeats
  punct_repeats, // same character as the previous one in the run
  punct_split_pieces, // a run of 2+ cut greedily into the punctuation pieces the vocabularies hold (',' => ::)
  space_len1,
  space_len2_4,
  space_len5_8,
  space_len9plus,
  spaces_past8,
  tab_runs,
  tabs,
  newline_runs,
  newlines,
  other_spaces,
  cjk_punct, // CJK punctuation and full-width forms
  symbols_2byte, // Latin-1 symbols and other U+0080–U+07FF non-letters
  symbols_3byte_common, // general punctuation, currency, arrows, box drawing, shapes (repeats: symbol_repeats)
  symbols_3byte_rare, // maths operators, technical and APL symbols, dingbats, private use…
  symbol_repeats, // same symbol as the previous one (───, ═══): long runs merge into few tokens
  emoji,
  controls,
}
const NAMED_FEATURES = Object.keys(Feature).filter((key) => Number.isNaN(Number(key)));

/**
 * Per script (scripts.ts), for runs of its letters: how many, their UTF-8 bytes, how many a
 * vocabulary holds whole, and for the others a greedy cut into the longest pieces the
 * vocabularies hold: the pieces, and the bytes no piece covers (paid about a token a byte).
 */
/** One per vocabulary model: v3, and v4.7 (whose vocabulary v5 shares). */
export const BIGRAM_FEATURES = ['bigrams_v3', 'bigrams_v4_7'] as const;
export const SCRIPT_FEATURES = ['runs', 'bytes', 'whole', 'pieces', 'uncovered_bytes', 'tier2_letters', 'tier3_letters'] as const;
export type ScriptFeature = (typeof SCRIPT_FEATURES)[number];
export const scriptFeatureName = (script: Script, feature: ScriptFeature) => `${script}_${feature}`;

/** Names of the features, in vector order; coefficients.json keys its weights by these. */
export const FEATURE_NAMES: readonly string[] = [
  ...NAMED_FEATURES,
  ...SCRIPTS.flatMap((script) => SCRIPT_FEATURES.map((feature) => scriptFeatureName(script, feature))),
  // Sums of the fitted letter-pair corrections (wordTables.ts bigrams) of each vocabulary model:
  // what the pieces above miss about how one language's words are cut (Ukrainian costs less
  // than the open vocabularies suggest, Mongolian more). Their weights are the models' scales.
  ...BIGRAM_FEATURES,
];
export const FEATURE_COUNT = FEATURE_NAMES.length;
/** Length of the vectors accumulateFeatures writes into. */
export const FEATURE_VECTOR_LENGTH = FEATURE_COUNT;

type NamedFeature = keyof typeof Feature;
const FIRST_SCRIPT_FEATURE = NAMED_FEATURES.length;
/** Index of bigrams_v3 (bigrams_v4_7 follows); the features before it are the fitted linear ones. */
export const FIRST_BIGRAM_FEATURE = FIRST_SCRIPT_FEATURE + SCRIPTS.length * SCRIPT_FEATURES.length;
const BIGRAM_V3 = FIRST_BIGRAM_FEATURE;
const BIGRAM_V47 = FIRST_BIGRAM_FEATURE + 1;
export const BIGRAM_LOG2_BUCKETS = 14;
const BIGRAM_SHIFT = 32 - BIGRAM_LOG2_BUCKETS;
/** Pseudo-letters marking where a word starts and ends, so its first and last letters get pairs too. */
const WORD_EDGE = 0x1fffff;
const PUNCT_EDGE = 0x1ffffe;
const PUNCT_OFFSET = 0x200000;
/** Bucket of the letter pair (a, b), both case-folded code points. */
export const bigramBucket = (a: number, b: number) => Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b) >>> BIGRAM_SHIFT;

// Calibration counts each text's pairs per bucket through this (scripts/calibrate-tokens.ts).
let bigramCounts: Float64Array | undefined;
export function recordBigrams(into: Float64Array | undefined): void {
  bigramCounts = into;
}

function addBigram(into: Float64Array, weights: Int8Array, a: number, b: number): void {
  const bucket = bigramBucket(a, b);
  into[BIGRAM_V3]! += weights[bucket * 2]!;
  into[BIGRAM_V47]! += weights[bucket * 2 + 1]!;
  if (bigramCounts) bigramCounts[bucket]! += 1;
}
const RUNS = 0;
const BYTES = 1;
const WHOLE = 2;
const PIECES = 3;
const UNCOVERED = 4;
const TIER2 = 5;

// Character kinds. Every script of SCRIPTS is a kind of its own, from Kind.Script on.
const enum Kind {
  Control,
  Space,
  Tab,
  Newline,
  OtherSpace,
  Digit,
  Punct,
  LatinLower,
  LatinUpper,
  Latin1Accented,
  LatinExtended,
  Combining,
  ZeroWidth,
  LowSurrogate, // only seen by isChunkBoundary, which reads UTF-16
  Symbol2,
  CjkPunct,
  Symbol3Common,
  Symbol3Rare,
  Emoji,
  Script,
}
const OTHER_SCRIPT = Kind.Script + SCRIPTS.indexOf('other');
const HAN_SCRIPT = Kind.Script + SCRIPTS.indexOf('han');

const isLatinKind = (kind: number) => kind >= Kind.LatinLower && kind <= Kind.LatinExtended;
const isContinuationKind = (kind: number) => kind === Kind.Combining || kind === Kind.ZeroWidth || kind === Kind.LowSurrogate;
const isWhitespaceKind = (kind: number) => kind >= Kind.Space && kind <= Kind.OtherSpace;

/** Kind of every BMP code point (and UTF-16 code unit). */
const KIND = buildKindTable();

function buildKindTable(): Uint8Array {
  const table = new Uint8Array(0x10000).fill(OTHER_SCRIPT);
  const set = (from: number, to: number, kind: number) => table.fill(kind, from, to + 1);
  SCRIPTS.forEach((script, index) => {
    if (script !== 'other') for (const [from, to] of SCRIPT_RANGES[script]) set(from, to, Kind.Script + index);
  });
  set(0x00, 0x1f, Kind.Control);
  set(0x7f, 0x9f, Kind.Control);
  set(0x21, 0x7e, Kind.Punct);
  set(0x30, 0x39, Kind.Digit);
  set(0x41, 0x5a, Kind.LatinUpper);
  set(0x61, 0x7a, Kind.LatinLower);
  table[0x20] = Kind.Space;
  table[0x09] = Kind.Tab;
  table[0x0a] = Kind.Newline;
  table[0x0d] = Kind.Newline;
  table[0x0b] = Kind.OtherSpace;
  table[0x0c] = Kind.OtherSpace;
  set(0xa0, 0xbf, Kind.Symbol2);
  table[0xa0] = Kind.OtherSpace;
  set(0xc0, 0xff, Kind.Latin1Accented);
  set(0x100, 0x24f, Kind.LatinExtended);
  table[0xd7] = Kind.Symbol2; // ×
  table[0xf7] = Kind.Symbol2; // ÷
  set(0x250, 0x2af, Kind.LatinExtended); // IPA
  set(0x2b0, 0x2ff, Kind.Symbol2); // spacing modifiers
  set(0x300, 0x36f, Kind.Combining);
  set(0x37e, 0x37e, Kind.Symbol2); // Greek question mark
  set(0x55a, 0x55f, Kind.Symbol2); // Armenian punctuation
  set(0x589, 0x58a, Kind.Symbol2);
  set(0x5be, 0x5be, Kind.Symbol2); // Hebrew maqaf
  set(0x5c0, 0x5c0, Kind.Symbol2);
  set(0x5c3, 0x5c3, Kind.Symbol2);
  set(0x5f3, 0x5f4, Kind.Symbol2);
  set(0x60c, 0x60d, Kind.Symbol2); // Arabic comma
  set(0x61b, 0x61f, Kind.Symbol2); // Arabic semicolon, question mark
  set(0x660, 0x669, Kind.Digit); // Arabic-Indic digits, counted one by one
  set(0x66a, 0x66d, Kind.Symbol2);
  set(0x6d4, 0x6d4, Kind.Symbol2);
  set(0x964, 0x965, Kind.Symbol3Common); // danda
  set(0x1ab0, 0x1aff, Kind.Combining);
  set(0x1dc0, 0x1dff, Kind.Combining);
  set(0x1e00, 0x1eff, Kind.LatinExtended);
  set(0x2000, 0x2bff, Kind.Symbol3Rare);
  set(0x2010, 0x205e, Kind.Symbol3Common); // dashes, quotes, bullets, ellipsis
  set(0x20a0, 0x20cf, Kind.Symbol3Common); // currency
  set(0x2100, 0x214f, Kind.Symbol3Common); // letterlike: ™, №
  set(0x2190, 0x21ff, Kind.Symbol3Common); // arrows
  set(0x2500, 0x25ff, Kind.Symbol3Common); // box drawing, blocks, shapes
  set(0x2000, 0x200a, Kind.OtherSpace);
  set(0x200b, 0x200f, Kind.ZeroWidth);
  table[0x2028] = Kind.Newline;
  table[0x2029] = Kind.Newline;
  table[0x202f] = Kind.OtherSpace;
  table[0x205f] = Kind.OtherSpace;
  set(0x2060, 0x2064, Kind.ZeroWidth);
  set(0x20d0, 0x20ff, Kind.Combining);
  set(0x2c60, 0x2c7f, Kind.LatinExtended);
  set(0x2de0, 0x2dff, Kind.Combining);
  set(0x2e00, 0x2e7f, Kind.Symbol3Rare);
  set(0x3000, 0x303f, Kind.CjkPunct);
  table[0x3000] = Kind.OtherSpace;
  table[0x30fb] = Kind.CjkPunct; // katakana middle dot
  set(0xa720, 0xa7ff, Kind.LatinExtended);
  set(0xd800, 0xdbff, Kind.Emoji); // high surrogates: seen only in UTF-16 (isChunkBoundary)
  set(0xdc00, 0xdfff, Kind.LowSurrogate);
  set(0xe000, 0xf8ff, Kind.Symbol3Rare); // private use
  set(0xfb00, 0xfb06, Kind.LatinExtended);
  set(0xfe00, 0xfe0f, Kind.ZeroWidth); // variation selectors
  set(0xfe20, 0xfe2f, Kind.Combining);
  set(0xfe30, 0xfe4f, Kind.CjkPunct);
  table[0xfeff] = Kind.ZeroWidth;
  set(0xff00, 0xff65, Kind.CjkPunct); // full-width forms
  set(0xffa0, 0xffef, Kind.CjkPunct);
  set(0xfff0, 0xffff, Kind.Symbol3Rare);
  return table;
}

/** Kind of any code point. */
function kindOf(code: number): number {
  if (code < 0x10000) return KIND[code]!;
  if (code >= 0x1f000 && code <= 0x1fbff) return Kind.Emoji;
  if (code >= 0x20000 && code <= 0x3ffff) return HAN_SCRIPT;
  if (code >= 0xe0000 && code <= 0xe0fff) return Kind.ZeroWidth; // tags, variation selectors supplement
  return OTHER_SCRIPT;
}

/**
 * Whether features of text[..i) and text[i..) add up to those of the whole (UTF-16 index): true
 * between a whitespace character and a character that starts a new run.
 */
export function isChunkBoundary(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true;
  const before = KIND[text.charCodeAt(i - 1)]!;
  const after = KIND[text.charCodeAt(i)]!;
  return isWhitespaceKind(before) && !isWhitespaceKind(after) && !isContinuationKind(after);
}

/** Whether text[i-1] is a line break (preferred chunk boundaries). */
export const isNewlineAt = (text: string, i: number): boolean => KIND[text.charCodeAt(i - 1)] === Kind.Newline;

// Words are looked up by a case-folded FNV-1a hash over code points, computed on the fly.
const FOLD = buildFoldTable();
function buildFoldTable(): Uint16Array {
  const table = new Uint16Array(0x10000);
  for (let code = 0; code < 0x10000; code++) table[code] = code;
  for (const [from, to] of [
    [0x41, 0x5a],
    [0xc0, 0x24f],
    [0x370, 0x52f],
    [0x1e00, 0x1fff],
  ] as const) {
    for (let code = from; code <= to; code++) {
      const lower = String.fromCharCode(code).toLowerCase();
      if (lower.length === 1) table[code] = lower.charCodeAt(0);
    }
  }
  return table;
}
const fold = (code: number) => (code < 0x10000 ? FOLD[code]! : code);
const HASH_SEED = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

/** Shortest Latin word looked up in the vocabulary; shorter ones are counted by length alone. */
export const MIN_KNOWN_WORD_LENGTH = 4;

export interface WordKey {
  hash: number;
  /** 'latin', or the script of SCRIPTS the word is written in. */
  script: 'latin' | Script;
  /** Letters (continuation marks not counted). */
  length: number;
}

/**
 * How a single run of letters of one script (as a vocabulary piece would be) is looked up;
 * undefined for anything else. Used to build the word tables.
 */
export function wordKey(word: string): WordKey | undefined {
  let kindOfRun = -1;
  let length = 0;
  let hash = HASH_SEED;
  for (const character of word) {
    const code = character.codePointAt(0)!;
    const kind = kindOf(code);
    hash = Math.imul(hash ^ fold(code), HASH_PRIME);
    if (isContinuationKind(kind)) continue;
    const runKind = isLatinKind(kind) ? Kind.LatinLower : kind;
    if (runKind !== Kind.LatinLower && runKind < Kind.Script) return undefined;
    if (kindOfRun !== -1 && runKind !== kindOfRun) return undefined;
    kindOfRun = runKind;
    length++;
  }
  if (kindOfRun === -1) return undefined;
  return { hash: hash >>> 0, script: kindOfRun === Kind.LatinLower ? 'latin' : SCRIPTS[kindOfRun - Kind.Script]!, length };
}

// Decoding: the input is valid UTF-8 (TextEncoder's output, or checked by the CLI); a truncated
// sequence at the end reads as zeros and ends the loop, never past `end`.
let decodedLength = 1;
function decodeAt(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0xe0) {
    decodedLength = 2;
    return ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
  }
  if (b < 0xf0) {
    decodedLength = 3;
    return ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
  }
  decodedLength = 4;
  return ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
}

/**
 * Every branch of the counting loops, run once before the first real count: V8 then optimises
 * them with feedback for all kinds of text, instead of deoptimising the first time a long input
 * turns from code to Cyrillic (which costs a cold `tally count` more than the tables' load).
 */
const PRIMER =
  'Hello wörld, getElementById(x) === 42; HTML_URL \t\r\n    привет мир, Ελλάδα, नमस्ते दुनिया, 你好世界, こんにちは, 안녕, ' +
  'ሰላም ᏣᎳᎩ 𐑞 😀 ─── … € ª ¿ ŋɛ a\u0301 \u200b ؟ ١٢ ‐ ∑ \u0000 \u2028 🎉 𠀀';
let primed = false;

/** Adds the feature counts of the UTF-8 bytes[start..end) to `into` (length FEATURE_VECTOR_LENGTH). */
export function accumulateFeatures(bytes: Uint8Array, start: number, end: number, into: Float64Array): void {
  if (!primed) {
    primed = true;
    const sample = new TextEncoder().encode(PRIMER);
    const scratch = new Float64Array(FEATURE_VECTOR_LENGTH);
    const recorder = bigramCounts;
    bigramCounts = undefined;
    for (let round = 0; round < 3; round++) accumulateFeatures(sample, 0, sample.length, scratch);
    bigramCounts = recorder;
  }
  // One array type through the loops (a Node Buffer is a subclass with a map of its own).
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = wordTables();
  if (tables !== cachedFor) {
    splitCacheLengths.fill(0); // the split cache holds what these tables say about each word
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
function latinRun(bytes: Uint8Array, i: number, end: number, into: Float64Array, tables: WordTables): number {
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
const MAX_MISSES = 3;
/** Longest piece looked up: longer vocabulary words are rare, and it bounds the work per letter. */
const MAX_PIECE_LETTERS = 16;

// Identifiers recur through a program, so splits are remembered by word: a direct-mapped cache
// that holds each word's bytes (copied, so nothing is allocated) and checks them, so a hit is
// exactly what a fresh split would give.
const SPLIT_CACHE_SIZE = 4096;
const MAX_CACHED_WORD_BYTES = 32;
const splitCacheLengths = new Uint8Array(SPLIT_CACHE_SIZE);
let cachedFor: WordTables | undefined;
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
