// What kind of character each code point is (a Latin letter, a digit, a script's letter…), the
// case folding and hashing words are looked up by, and UTF-8 decoding for the counting loops.
import { SCRIPT_RANGES, SCRIPTS, type Script } from './scripts.js';

// Character kinds. Every script of SCRIPTS is a kind of its own, from Kind.Script on.
export const enum Kind {
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
export const OTHER_SCRIPT = Kind.Script + SCRIPTS.indexOf('other');
export const HAN_SCRIPT = Kind.Script + SCRIPTS.indexOf('han');

export const isLatinKind = (kind: number) => kind >= Kind.LatinLower && kind <= Kind.LatinExtended;
export const isContinuationKind = (kind: number) => kind === Kind.Combining || kind === Kind.ZeroWidth || kind === Kind.LowSurrogate;
export const isWhitespaceKind = (kind: number) => kind >= Kind.Space && kind <= Kind.OtherSpace;

/** Kind of every BMP code point (and UTF-16 code unit). */
export const KIND = buildKindTable();

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
export function kindOf(code: number): number {
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
export const fold = (code: number) => (code < 0x10000 ? FOLD[code]! : code);
export const HASH_SEED = 0x811c9dc5;
export const HASH_PRIME = 0x01000193;

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
export let decodedLength = 1;
export function decodeAt(bytes: Uint8Array, i: number): number {
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
