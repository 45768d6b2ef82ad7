import { isCommonWordHash, isKnownPieceHash, isKnownWordHash, isMultilingualWordHash } from './knownWords.js';

// Text features the token estimate is a linear function of. One charCodeAt pass over a
// lookup table of character kinds; a "run" is a maximal stretch of characters of one run
// class (a word, a number, a punctuation cluster, an indent). Each run's features depend
// on the run alone, never on its neighbours, so feature counts of adjacent pieces add up
// exactly when a piece boundary falls between whitespace and non-whitespace (see
// isChunkBoundary) — which is what lets the incremental estimator recompute only edited chunks.

/** Names of the features, in vector order; coefficients.json keys its weights by these. */
export const FEATURE_NAMES = [
  // Latin words (ASCII and accented letters): short ones by length; longer ones by whether a
  // common tokenizer vocabulary holds them whole (see knownWords.ts) and by length.
  'latin_len1',
  'latin_len2',
  'latin_len3',
  'latin_known_len4',
  'latin_known_len5',
  'latin_known_len6',
  'latin_known_len7',
  'latin_known_len8',
  'latin_known_len9',
  'latin_known_len10_11',
  'latin_known_len12plus',
  'latin_uncommon_len4_6', // known but not among the most frequent words: extra cost on top of known_
  'latin_uncommon_len7plus',
  'latin_multilingual_len4_6', // not in the main vocabulary but whole in a multilingual one
  'latin_multilingual_len7_9',
  'latin_multilingual_len10plus',
  'latin_unknown_len4',
  'latin_unknown_len5',
  'latin_unknown_len6',
  'latin_unknown_len7',
  'latin_unknown_len8',
  'latin_unknown_len9_10',
  'latin_unknown_len11_13',
  'latin_unknown_len14plus',
  'latin_letters_past13',
  // An unknown word of 7+ letters cut as a BPE vocabulary would: at camelCase humps, then greedily
  // into the longest pieces the word filters hold (4+ letters); what no piece covers is paid per letter.
  'latin_split_short_segments', // hump segments of 1-3 letters (get|Element|By|Id)
  'latin_split_known_pieces',
  'latin_split_uncovered_letters',
  'latin_camel_humps', // lower→upper inside a word
  'latin_caps_run', // upper after upper inside a word
  'latin_capitalized', // a word starting upper then lower (The, Hello)
  'latin1_accented', // é, ü, ø… (U+00C0–U+00FF)
  'latin_extended', // ŋ, ɛ, ẹ, ő… (U+0100 and up): rarer, dearer
  'combining_marks',
  'zero_width',
  'digit_runs',
  'digits',
  'digit_groups', // ceil(length / 3) per number
  'punct_len1',
  'punct_len2',
  'punct_len3plus',
  'punct_chars_past2', // other than repeats
  'punct_repeats', // same character as the previous one in the run
  'space_len1',
  'space_len2_4',
  'space_len5_8',
  'space_len9plus',
  'spaces_past8',
  'tab_runs',
  'tabs',
  'newline_runs',
  'newlines',
  'other_spaces',
  // Other alphabetic scripts written with spaces: Cyrillic, Greek, Armenian, Georgian, Hebrew,
  // Arabic, Thaana, Indic. One group, so a script seen in one text borrows what the others teach.
  'alphabetic_known_words',
  'alphabetic_unknown_words',
  'alphabetic_unknown_letters',
  'southeast_asian_runs', // Thai, Lao, Tibetan, Myanmar, Khmer, Tai Tham: no spaces between words
  'southeast_asian_letters',
  'cjk_runs',
  'cjk_ideographs',
  'kana',
  'hangul',
  'cjk_punct', // CJK punctuation and full-width forms
  'symbols_2byte', // Latin-1 symbols and other U+0080–U+07FF non-letters
  'symbols_3byte_common', // general punctuation, currency, arrows, box drawing, shapes (repeats: symbol_repeats)
  'symbols_3byte_rare', // maths operators, technical and APL symbols, dingbats, private use…
  'symbol_repeats', // same symbol as the previous one (───, ═══): long runs merge into few tokens
  // Scripts a vocabulary barely covers (Syriac, Cherokee, Canadian syllabics, Vai, Javanese,
  // Tai Tham, Chakma, and by default any script not named here): about a token per UTF-8 byte.
  'rare_script_runs',
  'rare_script_bytes',
  'astral_ideographs', // CJK extensions B and later
  'emoji',
  'controls',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const F = Object.fromEntries(FEATURE_NAMES.map((name, index) => [name, index])) as Record<FeatureName, number>;
/** A scratch slot past the real features: per-character counts that carry no weight land here. */
const IGNORED = FEATURE_COUNT;
/** Length of the vectors accumulateFeatures writes into. */
export const FEATURE_VECTOR_LENGTH = FEATURE_COUNT + 1;

// Character kinds. Several kinds can share a run class (upper and lower case letters form one word).
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
  Symbol2,
  Alphabetic,
  Rare2, // rare script, 2 UTF-8 bytes a character
  Rare3,
  SoutheastAsian,
  Cjk,
  Kana,
  Hangul,
  CjkPunct,
  Symbol3Common,
  Symbol3Rare,
  AstralIdeograph,
  Emoji,
  AstralOther,
  LowSurrogate,
  Count,
}

// Run classes. Continuation kinds (combining marks, zero-width, low surrogates) belong to no run.
const enum Run {
  None,
  Continuation,
  Control,
  Space,
  Tab,
  Newline,
  OtherSpace,
  Digit,
  Punct,
  Latin,
  Symbol2,
  Alphabetic,
  Rare,
  SoutheastAsian,
  Cjk,
  Kana,
  Hangul,
  CjkPunct,
  Symbol3,
  AstralIdeograph,
  Emoji,
}

const RUN_OF_KIND = new Uint8Array(Kind.Count);
const CHAR_FEATURE_OF_KIND = new Uint8Array(Kind.Count).fill(IGNORED);
const CHAR_FEATURE_INCREMENT = new Float64Array(Kind.Count).fill(1);
function kindInfo(kind: Kind, run: Run, charFeature?: FeatureName, increment = 1): void {
  RUN_OF_KIND[kind] = run;
  if (charFeature) CHAR_FEATURE_OF_KIND[kind] = F[charFeature];
  CHAR_FEATURE_INCREMENT[kind] = increment;
}
kindInfo(Kind.Control, Run.Control, 'controls');
kindInfo(Kind.Space, Run.Space);
kindInfo(Kind.Tab, Run.Tab, 'tabs');
kindInfo(Kind.Newline, Run.Newline, 'newlines');
kindInfo(Kind.OtherSpace, Run.OtherSpace, 'other_spaces');
kindInfo(Kind.Digit, Run.Digit, 'digits');
kindInfo(Kind.Punct, Run.Punct);
kindInfo(Kind.LatinLower, Run.Latin);
kindInfo(Kind.LatinUpper, Run.Latin);
kindInfo(Kind.Latin1Accented, Run.Latin, 'latin1_accented');
kindInfo(Kind.LatinExtended, Run.Latin, 'latin_extended');
kindInfo(Kind.Combining, Run.Continuation, 'combining_marks');
kindInfo(Kind.ZeroWidth, Run.Continuation, 'zero_width');
kindInfo(Kind.LowSurrogate, Run.Continuation);
kindInfo(Kind.Symbol2, Run.Symbol2, 'symbols_2byte');
kindInfo(Kind.Alphabetic, Run.Alphabetic);
kindInfo(Kind.Rare2, Run.Rare, 'rare_script_bytes', 2);
kindInfo(Kind.Rare3, Run.Rare, 'rare_script_bytes', 3);
kindInfo(Kind.SoutheastAsian, Run.SoutheastAsian, 'southeast_asian_letters');
kindInfo(Kind.Cjk, Run.Cjk, 'cjk_ideographs');
kindInfo(Kind.Kana, Run.Kana, 'kana');
kindInfo(Kind.Hangul, Run.Hangul, 'hangul');
kindInfo(Kind.CjkPunct, Run.CjkPunct, 'cjk_punct');
kindInfo(Kind.Symbol3Common, Run.Symbol3, 'symbols_3byte_common');
kindInfo(Kind.Symbol3Rare, Run.Symbol3, 'symbols_3byte_rare');
kindInfo(Kind.AstralIdeograph, Run.AstralIdeograph, 'astral_ideographs');
kindInfo(Kind.Emoji, Run.Emoji, 'emoji');
kindInfo(Kind.AstralOther, Run.Rare, 'rare_script_bytes', 4);

/** Feature counting runs of each class (classes with length buckets are handled in emitRun). */
const RUN_FEATURE = new Uint8Array(Run.Emoji + 1).fill(IGNORED);
RUN_FEATURE[Run.Tab] = F.tab_runs;
RUN_FEATURE[Run.Newline] = F.newline_runs;
RUN_FEATURE[Run.SoutheastAsian] = F.southeast_asian_runs;
RUN_FEATURE[Run.Cjk] = F.cjk_runs;
RUN_FEATURE[Run.Rare] = F.rare_script_runs;

/** Kind of every UTF-16 code unit. */
const KIND = buildKindTable();

function buildKindTable(): Uint8Array {
  const table = new Uint8Array(0x10000).fill(Kind.Rare3);
  const set = (from: number, to: number, kind: Kind) => table.fill(kind, from, to + 1);
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
  set(0x370, 0x7ff, Kind.Alphabetic); // Greek, Cyrillic, Armenian, Hebrew, Arabic, Thaana
  set(0x700, 0x74f, Kind.Rare2); // Syriac
  set(0x7c0, 0x7ff, Kind.Rare2); // N'Ko
  set(0x900, 0xdff, Kind.Alphabetic); // Indic
  set(0xe00, 0xfff, Kind.SoutheastAsian);
  set(0x1000, 0x109f, Kind.SoutheastAsian);
  set(0x10a0, 0x10ff, Kind.Alphabetic); // Georgian
  set(0x1100, 0x11ff, Kind.Hangul);
  set(0x1780, 0x17ff, Kind.SoutheastAsian);
  set(0x1ab0, 0x1aff, Kind.Combining);
  set(0x1c80, 0x1c8f, Kind.Alphabetic);
  set(0x1dc0, 0x1dff, Kind.Combining);
  set(0x1e00, 0x1eff, Kind.LatinExtended);
  set(0x1f00, 0x1fff, Kind.Alphabetic);
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
  set(0x2e80, 0x2fff, Kind.Cjk); // radicals
  set(0x3000, 0x303f, Kind.CjkPunct);
  table[0x3000] = Kind.OtherSpace;
  set(0x3040, 0x30ff, Kind.Kana);
  set(0x3130, 0x318f, Kind.Hangul);
  set(0x31f0, 0x31ff, Kind.Kana);
  set(0x3400, 0x4dbf, Kind.Cjk);
  set(0x4e00, 0x9fff, Kind.Cjk);
  set(0xa720, 0xa7ff, Kind.LatinExtended);
  set(0xac00, 0xd7af, Kind.Hangul);
  set(0xd800, 0xdbff, Kind.AstralOther);
  set(0xd840, 0xd8bf, Kind.AstralIdeograph); // U+20000–U+3FFFF
  set(0xd83c, 0xd83e, Kind.Emoji); // U+1F000–U+1FBFF
  set(0xdc00, 0xdfff, Kind.LowSurrogate);
  set(0xe000, 0xf8ff, Kind.Symbol3Rare); // private use
  set(0xf900, 0xfaff, Kind.Cjk);
  set(0xfb00, 0xfb4f, Kind.LatinExtended);
  set(0xfb50, 0xfdff, Kind.Alphabetic);
  set(0xfe00, 0xfe0f, Kind.ZeroWidth); // variation selectors
  set(0xfe20, 0xfe2f, Kind.Combining);
  set(0xfe30, 0xfe4f, Kind.CjkPunct);
  set(0xfe70, 0xfeff, Kind.Alphabetic);
  table[0xfeff] = Kind.ZeroWidth;
  set(0xff00, 0xffef, Kind.CjkPunct);
  return table;
}

const isWhitespaceKind = (kind: number) => kind === Kind.Space || kind === Kind.Tab || kind === Kind.Newline || kind === Kind.OtherSpace;

/**
 * Whether features of text[..i) and text[i..) add up to those of the whole: true between a
 * whitespace character and a character that starts a new run.
 */
export function isChunkBoundary(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return true;
  const before = KIND[text.charCodeAt(i - 1)]!;
  const after = KIND[text.charCodeAt(i)]!;
  return isWhitespaceKind(before) && !isWhitespaceKind(after) && RUN_OF_KIND[after] !== Run.Continuation;
}

/** Whether text[i-1] is a line break (preferred chunk boundaries). */
export const isNewlineAt = (text: string, i: number): boolean => KIND[text.charCodeAt(i - 1)] === Kind.Newline;

// Words are looked up by a case-folded FNV-1a hash computed on the fly, so no substring is made.
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
const HASH_SEED = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

/** First feature of the (known words, unknown words, unknown letters) triple of word scripts. */
const isWordRun = (run: number) => run === Run.Latin || run === Run.Alphabetic;

/** Shortest word looked up in the vocabulary; shorter Latin words are counted by length alone. */
export const MIN_KNOWN_WORD_LENGTH = 4;

/**
 * The lookup hash of `word` if it is a single word run (letters of one script) of at least
 * MIN_KNOWN_WORD_LENGTH characters; used to build the known-word filter.
 */
export function wordHash(word: string): number | undefined {
  let run = -1;
  let length = 0;
  let hash = HASH_SEED;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    const runOfKind = RUN_OF_KIND[KIND[code]!]!;
    hash = Math.imul(hash ^ FOLD[code]!, HASH_PRIME);
    if (runOfKind === Run.Continuation) continue;
    if (run !== -1 && runOfKind !== run) return undefined;
    run = runOfKind;
    length++;
  }
  return isWordRun(run) && length >= MIN_KNOWN_WORD_LENGTH ? hash >>> 0 : undefined;
}

/** Adds the feature counts of text[start..end) to `into` (length FEATURE_VECTOR_LENGTH). */
export function accumulateFeatures(text: string, start: number, end: number, into: Float64Array): void {
  let run: number = Run.None;
  let runLength = 0;
  let hash = HASH_SEED;
  let previousKind = -1;
  let previousCode = -1;
  let runStart = start;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const kind = KIND[code]!;
    const runOfKind = RUN_OF_KIND[kind]!;
    into[CHAR_FEATURE_OF_KIND[kind]!]! += CHAR_FEATURE_INCREMENT[kind]!;
    if (runOfKind === Run.Continuation) {
      hash = Math.imul(hash ^ FOLD[code]!, HASH_PRIME);
      continue;
    }
    if (runOfKind !== run) {
      if (runLength > 0) emitRun(into, run, runLength, hash >>> 0, text, runStart, i);
      run = runOfKind;
      runStart = i;
      runLength = 0;
      hash = HASH_SEED;
      previousKind = -1;
      previousCode = -1;
    }
    runLength++;
    hash = Math.imul(hash ^ FOLD[code]!, HASH_PRIME);
    if (kind === Kind.LatinUpper) {
      if (previousKind === Kind.LatinLower) into[F.latin_camel_humps]! += 1;
      else if (previousKind === Kind.LatinUpper) into[F.latin_caps_run]! += 1;
    } else if (kind === Kind.LatinLower && previousKind === Kind.LatinUpper && runLength === 2) {
      into[F.latin_capitalized]! += 1;
    } else if (code === previousCode) {
      // A repeat is priced by its own weight instead of its character's: runs (;;;;, ───) merge.
      if (kind === Kind.Punct) {
        into[F.punct_repeats]! += 1;
        if (runLength > 2) into[F.punct_chars_past2]! -= 1;
      } else if (runOfKind === Run.Symbol3) {
        into[F.symbol_repeats]! += 1;
        into[CHAR_FEATURE_OF_KIND[kind]!]! -= 1;
      }
    }
    previousKind = kind;
    previousCode = code;
  }
  if (runLength > 0) emitRun(into, run, runLength, hash >>> 0, text, runStart, end);
}

const KNOWN_LATIN_FEATURE = [
  0,
  0,
  0,
  0,
  F.latin_known_len4,
  F.latin_known_len5,
  F.latin_known_len6,
  F.latin_known_len7,
  F.latin_known_len8,
  F.latin_known_len9,
  F.latin_known_len10_11,
  F.latin_known_len10_11,
  F.latin_known_len12plus,
];
const UNKNOWN_LATIN_FEATURE = [
  0,
  0,
  0,
  0,
  F.latin_unknown_len4,
  F.latin_unknown_len5,
  F.latin_unknown_len6,
  F.latin_unknown_len7,
  F.latin_unknown_len8,
  F.latin_unknown_len9_10,
  F.latin_unknown_len9_10,
  F.latin_unknown_len11_13,
  F.latin_unknown_len11_13,
  F.latin_unknown_len11_13,
  F.latin_unknown_len14plus,
];

function emitRun(into: Float64Array, run: number, length: number, hash: number, text: string, start: number, end: number): void {
  switch (run) {
    case Run.Latin:
      if (length <= 3) into[F.latin_len1 + length - 1]! += 1;
      else if (isKnownWordHash(hash)) {
        into[KNOWN_LATIN_FEATURE[Math.min(length, 12)]!]! += 1;
        if (!isCommonWordHash(hash)) into[length <= 6 ? F.latin_uncommon_len4_6 : F.latin_uncommon_len7plus]! += 1;
      } else if (isMultilingualWordHash(hash)) {
        into[length <= 6 ? F.latin_multilingual_len4_6 : length <= 9 ? F.latin_multilingual_len7_9 : F.latin_multilingual_len10plus]! += 1;
      } else {
        into[UNKNOWN_LATIN_FEATURE[Math.min(length, 14)]!]! += 1;
        if (length > 13) into[F.latin_letters_past13]! += length - 13;
        if (length >= MIN_SPLIT_WORD_LENGTH) splitUnknownWord(text, start, end, hash, into);
      }
      return;
    case Run.Alphabetic:
      if (length >= MIN_KNOWN_WORD_LENGTH && (isKnownWordHash(hash) || isMultilingualWordHash(hash))) into[F.alphabetic_known_words]! += 1;
      else {
        into[F.alphabetic_unknown_words]! += 1;
        into[F.alphabetic_unknown_letters]! += length;
      }
      return;
    case Run.Digit:
      into[F.digit_runs]! += 1;
      into[F.digit_groups]! += Math.ceil(length / 3);
      return;
    case Run.Punct:
      if (length === 1) into[F.punct_len1]! += 1;
      else if (length === 2) into[F.punct_len2]! += 1;
      else {
        into[F.punct_len3plus]! += 1;
        into[F.punct_chars_past2]! += length - 2;
      }
      return;
    case Run.Space:
      if (length === 1) into[F.space_len1]! += 1;
      else if (length <= 4) into[F.space_len2_4]! += 1;
      else if (length <= 8) into[F.space_len5_8]! += 1;
      else {
        into[F.space_len9plus]! += 1;
        into[F.spaces_past8]! += length - 8;
      }
      return;
    default:
      into[RUN_FEATURE[run]!]! += 1;
  }
}

/** Shorter unknown words are priced by length alone: splitting them taught the fit little and cost speed. */
const MIN_SPLIT_WORD_LENGTH = 7;
/** Longest piece looked up: longer vocabulary words are rare, and it bounds the work per letter. */
const MAX_PIECE_LETTERS = 16;

// Identifiers recur through a program, so splits are remembered by word: a direct-mapped cache
// that holds each word's characters (copied, so no text is kept alive and nothing is allocated)
// and checks them, so a hit is exactly what a fresh split would give.
const SPLIT_CACHE_SIZE = 4096;
const MAX_CACHED_WORD_LENGTH = 32;
const splitCacheLengths = new Uint8Array(SPLIT_CACHE_SIZE);
const splitCacheChars = new Uint16Array(SPLIT_CACHE_SIZE * MAX_CACHED_WORD_LENGTH);
// One slot more than the cache: where an uncached split's counts pass through.
const splitCacheCounts = new Uint32Array((SPLIT_CACHE_SIZE + 1) * 3);
// Counts of the split in progress: short segments, known pieces, uncovered letters.
let shortSegments = 0;
let knownPieces = 0;
let uncoveredLetters = 0;

function isCached(slot: number, text: string, start: number, end: number): boolean {
  if (slot === SPLIT_CACHE_SIZE || splitCacheLengths[slot] !== end - start) return false;
  for (let i = start, at = slot * MAX_CACHED_WORD_LENGTH; i < end; i++, at++) if (splitCacheChars[at] !== text.charCodeAt(i)) return false;
  return true;
}

/** Features of an unknown Latin word text[start..end): cut at camelCase humps, each segment split further. */
function splitUnknownWord(text: string, start: number, end: number, hash: number, into: Float64Array): void {
  const slot = end - start <= MAX_CACHED_WORD_LENGTH ? hash & (SPLIT_CACHE_SIZE - 1) : SPLIT_CACHE_SIZE;
  if (!isCached(slot, text, start, end)) {
    shortSegments = knownPieces = uncoveredLetters = 0;
    let segmentStart = start;
    let previousKind = KIND[text.charCodeAt(start)];
    for (let i = start + 1; i < end; i++) {
      const kind = KIND[text.charCodeAt(i)];
      if (kind === Kind.LatinUpper && previousKind === Kind.LatinLower) {
        splitSegment(text, segmentStart, i);
        segmentStart = i;
      }
      previousKind = kind;
    }
    splitSegment(text, segmentStart, end);
    if (slot < SPLIT_CACHE_SIZE) {
      splitCacheLengths[slot] = end - start;
      for (let i = start, at = slot * MAX_CACHED_WORD_LENGTH; i < end; i++, at++) splitCacheChars[at] = text.charCodeAt(i);
    }
    splitCacheCounts[slot * 3] = shortSegments;
    splitCacheCounts[slot * 3 + 1] = knownPieces;
    splitCacheCounts[slot * 3 + 2] = uncoveredLetters;
  }
  into[F.latin_split_short_segments]! += splitCacheCounts[slot * 3]!;
  into[F.latin_split_known_pieces]! += splitCacheCounts[slot * 3 + 1]!;
  into[F.latin_split_uncovered_letters]! += splitCacheCounts[slot * 3 + 2]!;
}

/**
 * Cuts a segment greedily into the longest pieces the word filters hold, from its start; once no
 * piece fits, the rest is paid per letter (one scan, so the cost stays linear in the word).
 */
function splitSegment(text: string, start: number, end: number): void {
  let position = start;
  while (position < end) {
    let pieceEnd = -1;
    let letters = 0;
    let hash = HASH_SEED;
    let i = position;
    for (; i < end && letters < MAX_PIECE_LETTERS; i++) {
      const code = text.charCodeAt(i);
      hash = Math.imul(hash ^ FOLD[code]!, HASH_PRIME);
      if (RUN_OF_KIND[KIND[code]!] === Run.Continuation) continue;
      letters++;
      if (letters >= MIN_KNOWN_WORD_LENGTH && isKnownPieceHash(hash >>> 0)) pieceEnd = i + 1;
    }
    if (pieceEnd < 0) {
      for (; i < end; i++) if (RUN_OF_KIND[KIND[text.charCodeAt(i)]!] !== Run.Continuation) letters++;
      if (position === start && letters < MIN_KNOWN_WORD_LENGTH) shortSegments++;
      else uncoveredLetters += letters;
      return;
    }
    knownPieces++;
    position = pieceEnd;
  }
}

/** Feature vector of a whole text. */
export function textFeatures(text: string): Float64Array {
  const features = new Float64Array(FEATURE_VECTOR_LENGTH);
  accumulateFeatures(text, 0, text.length, features);
  return features;
}
