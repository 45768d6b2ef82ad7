// Which words and word pieces a BPE vocabulary holds whole: a whole word costs about one token, an
// unknown one is split into several. Claude's vocabularies are not public, so the tables hold the
// single-token words of open vocabularies (built by scripts/calibrate-tokens.ts --words) and the fit
// learns what each kind costs per family. Bloom filters (two probes) over wordHash() values:
// compact, no strings. They ship once as a binary file beside the bundles (tokens.bin), read on
// the first estimate, not at start-up (readTableFile.ts).
import { readTableFile } from './readTableFile.js';

const SECOND_PROBE_MULTIPLIER = 0x2c1b3c6d;
const MAGIC = 0x544c5957; // "TLYW"

/** The filters, by name, as the calibration script writes them. */
export const TABLE_NAMES = [
  'latinKnown', // Latin words of 4+ letters that are single tokens of the main vocabulary
  'latinCommon', // the same, among its first merges (the most frequent words)
  'latinPieces', // Latin pieces of 2+ letters whole in either vocabulary: multilingual words, and pieces to cut unknown words into
  'latinCaps', // Latin pieces of 2+ letters that either vocabulary holds in capitals
  'punctPieces', // runs of 2+ ASCII punctuation characters whole in either vocabulary
  'scriptPieces', // pieces of other scripts (any length) whole in either vocabulary
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export type WordTables = Record<TableName, Filter> & {
  /** How rare each BMP letter is in the vocabularies' multi-character pieces: 0 common … 3 rare (2 bits each). */
  letterTiers: Uint8Array;
  /**
   * Fitted correction per letter-pair bucket (features.ts bigramBucket), for the v3 and the v4.7
   * vocabulary interleaved; coefficients.json scales them to tokens. Zeros until fitted.
   */
  bigrams: Int8Array;
};

export interface Filter {
  bits: Uint8Array;
  log2Bits: number;
  /** The hash's top (log2Bits − 9) bits pick the block. */
  blockShift: number;
}

// Blocked Bloom filters: both probes fall in one 64-byte block chosen by the hash's top bits, so
// a lookup costs one cache miss, not two (the counting loop is bound by these misses).
const BLOCK_BITS = 9;
const mix = (hash: number) => Math.imul(hash ^ (hash >>> 15), SECOND_PROBE_MULTIPLIER);

export function filterHas(filter: Filter, hash: number): boolean {
  const mixed = mix(hash);
  const block = (hash >>> filter.blockShift) << BLOCK_BITS;
  const a = block | (mixed & 511);
  const b = block | ((mixed >>> 9) & 511);
  const bits = filter.bits;
  return (bits[a >>> 3]! & (1 << (a & 7))) !== 0 && (bits[b >>> 3]! & (1 << (b & 7))) !== 0;
}

/** A filter of 2^log2Bits bits holding `hashes`. */
export function buildFilter(hashes: Iterable<number>, log2Bits: number): Filter {
  const filter = emptyFilter(new Uint8Array(2 ** log2Bits / 8), log2Bits);
  for (const hash of hashes) {
    const mixed = mix(hash);
    const block = (hash >>> filter.blockShift) << BLOCK_BITS;
    for (const probe of [block | (mixed & 511), block | ((mixed >>> 9) & 511)]) filter.bits[probe >>> 3]! |= 1 << (probe & 7);
  }
  return filter;
}

const emptyFilter = (bits: Uint8Array, log2Bits: number): Filter => ({ bits, log2Bits, blockShift: 32 - (log2Bits - BLOCK_BITS) });

/** Bytes of the letter tier table: 2 bits for each of the 65,536 BMP code points. */
export const LETTER_TIER_BYTES = 0x10000 / 4;
export const letterTier = (tiers: Uint8Array, code: number) => (tiers[code >>> 2]! >>> ((code & 3) << 1)) & 3;
/** Bytes of the bigram corrections: two models of 2^14 buckets, one signed byte each. */
export const BIGRAM_BYTES = 2 * 2 ** 14;

// File layout (little-endian): magic u32, header length u32, header JSON (UTF-8), the letter
// tiers, then each filter's bytes in header order. Header: { source, filters: [{ name, log2Bits }] }.
export function encodeTables(source: string, filters: Record<TableName, Filter>, letterTiers: Uint8Array, bigrams: Int8Array): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ source, filters: TABLE_NAMES.map((name) => ({ name, log2Bits: filters[name].log2Bits })) }),
  );
  const size = 8 + header.length + LETTER_TIER_BYTES + BIGRAM_BYTES + TABLE_NAMES.reduce((sum, name) => sum + filters[name].bits.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  out.set(letterTiers, 8 + header.length);
  out.set(new Uint8Array(bigrams.buffer, bigrams.byteOffset, BIGRAM_BYTES), 8 + header.length + LETTER_TIER_BYTES);
  let offset = 8 + header.length + LETTER_TIER_BYTES + BIGRAM_BYTES;
  for (const name of TABLE_NAMES) {
    out.set(filters[name].bits, offset);
    offset += filters[name].bits.length;
  }
  return out;
}

export function decodeTables(bytes: Uint8Array): WordTables & { source: string } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('tokens.bin: not a Tally word table file');
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as {
    source: string;
    filters: Array<{ name: TableName; log2Bits: number }>;
  };
  const letterTiers = bytes.subarray(8 + headerLength, 8 + headerLength + LETTER_TIER_BYTES);
  const bigramStart = bytes.byteOffset + 8 + headerLength + LETTER_TIER_BYTES;
  const bigrams = new Int8Array(bytes.buffer.slice(bigramStart, bigramStart + BIGRAM_BYTES));
  let offset = 8 + headerLength + LETTER_TIER_BYTES + BIGRAM_BYTES;
  const filters = {} as Record<TableName, Filter>;
  for (const { name, log2Bits } of header.filters) {
    const length = 2 ** log2Bits / 8;
    if (offset + length > bytes.length) throw new Error(`tokens.bin: filter ${name} is cut short`);
    filters[name] = emptyFilter(bytes.subarray(offset, offset + length), log2Bits);
    offset += length;
  }
  for (const name of TABLE_NAMES)
    if (!filters[name]) throw new Error(`tokens.bin: no filter ${name}; rerun scripts/calibrate-tokens.ts --words`);
  return { source: header.source, ...filters, letterTiers, bigrams };
}

let loaded: (WordTables & { source: string }) | undefined;

/** The tables, read on first use. Without any (a browser bundle built without them) every lookup misses. */
export function wordTables(): WordTables & { source: string } {
  if (loaded) return loaded;
  const bytes = readTableFile();
  return (loaded = bytes ? decodeTables(bytes) : emptyTables());
}

function emptyTables(): WordTables & { source: string } {
  const filters = Object.fromEntries(TABLE_NAMES.map((name) => [name, emptyFilter(new Uint8Array(2 ** 12 / 8), 12)])) as Record<
    TableName,
    Filter
  >;
  return { source: 'none', ...filters, letterTiers: new Uint8Array(LETTER_TIER_BYTES), bigrams: new Int8Array(BIGRAM_BYTES) };
}

/** Replaces the tables in use (calibration, while it fits the bigram corrections). */
export function useWordTables(tables: WordTables & { source: string }): void {
  loaded = tables;
}
