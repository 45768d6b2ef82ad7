// Which words a BPE vocabulary holds whole: a whole word costs about one token, an unknown one is
// split into several. Claude's vocabularies are not public, so the filters hold the single-token
// words of an open vocabulary (see scripts/calibrate-tokens.ts), all of them ("known") and the
// earliest merges ("common", the most frequent words), and the fit learns what each costs per
// family. Stored as Bloom filters (two probes) over wordHash() values: compact, no strings.
import filters from './knownWords.json';

const SECOND_PROBE_MULTIPLIER = 0x2c1b3c6d;

export interface KnownWordFilters {
  source: string;
  log2Bits: number;
  known: string;
  common: string;
  /** Single-token words of a multilingual vocabulary that the main one lacks. */
  multilingual: string;
  multilingualLog2Bits: number;
}

function decode(base64: string, log2Bits: number): Uint8Array {
  const binary = atob(base64);
  if (binary.length * 8 !== 2 ** log2Bits) throw new Error('knownWords.json: bit array does not match log2Bits');
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const MASK = 2 ** filters.log2Bits - 1;
const KNOWN = decode(filters.known, filters.log2Bits);
const COMMON = decode(filters.common, filters.log2Bits);

const MULTILINGUAL_MASK = 2 ** filters.multilingualLog2Bits - 1;
const MULTILINGUAL = decode(filters.multilingual, filters.multilingualLog2Bits);

const secondProbe = (hash: number, mask: number) => (Math.imul(hash ^ (hash >>> 16), SECOND_PROBE_MULTIPLIER) >>> 7) & mask;

function contains(bits: Uint8Array, hash: number, mask = MASK): boolean {
  const a = hash & mask;
  if ((bits[a >>> 3]! & (1 << (a & 7))) === 0) return false;
  const b = secondProbe(hash, mask);
  return (bits[b >>> 3]! & (1 << (b & 7))) !== 0;
}

export const isKnownWordHash = (hash: number): boolean => contains(KNOWN, hash);
export const isCommonWordHash = (hash: number): boolean => contains(COMMON, hash);
export const isMultilingualWordHash = (hash: number): boolean => contains(MULTILINGUAL, hash, MULTILINGUAL_MASK);

// Either vocabulary's words in one lookup, for the piece-by-piece split of unknown words: OR-ing
// two Bloom filters of one size and probes gives the filter of the union.
const PIECES = MULTILINGUAL_MASK === MASK ? KNOWN.map((byte, i) => byte | MULTILINGUAL[i]!) : undefined;
export const isKnownPieceHash = (hash: number): boolean =>
  PIECES ? contains(PIECES, hash) : isKnownWordHash(hash) || isMultilingualWordHash(hash);

/** Encodes one filter as the calibration script commits it. */
export function encodeWordFilter(hashes: Iterable<number>, log2Bits: number): string {
  const mask = 2 ** log2Bits - 1;
  const bits = new Uint8Array((mask + 1) / 8);
  for (const hash of hashes) {
    for (const probe of [hash & mask, secondProbe(hash, mask)]) bits[probe >>> 3]! |= 1 << (probe & 7);
  }
  let binary = '';
  for (let i = 0; i < bits.length; i++) binary += String.fromCharCode(bits[i]!);
  return btoa(binary);
}
