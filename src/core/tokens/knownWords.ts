// Which words a BPE vocabulary holds whole: a whole word costs about one token, an unknown one is
// split into several. Claude's vocabularies are not public, so the filter holds the single-token
// words of an open vocabulary (see scripts/calibrate-tokens.ts) and the fit learns what they cost
// per family. Stored as a Bloom filter (two probes) over wordHash() values: compact, no strings.
import filter from './knownWords.json';

const SECOND_PROBE_MULTIPLIER = 0x2c1b3c6d;

export interface KnownWordFilter {
  source: string;
  log2Bits: number;
  base64: string;
}

function decode(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const BITS = decode(filter.base64);
const MASK = (1 << filter.log2Bits) - 1;
if (BITS.length * 8 !== MASK + 1) throw new Error('knownWords.json: bit array does not match log2Bits');

export function isKnownWordHash(hash: number): boolean {
  const a = hash & MASK;
  if ((BITS[a >>> 3]! & (1 << (a & 7))) === 0) return false;
  const b = (Math.imul(hash ^ (hash >>> 16), SECOND_PROBE_MULTIPLIER) >>> 7) & MASK;
  return (BITS[b >>> 3]! & (1 << (b & 7))) !== 0;
}

/** Builds the filter the calibration script commits. */
export function buildKnownWordFilter(hashes: Iterable<number>, log2Bits: number, source: string): KnownWordFilter {
  const mask = (1 << log2Bits) - 1;
  const bits = new Uint8Array((mask + 1) / 8);
  for (const hash of hashes) {
    for (const probe of probesWith(hash, mask)) bits[probe >>> 3]! |= 1 << (probe & 7);
  }
  let binary = '';
  for (let i = 0; i < bits.length; i++) binary += String.fromCharCode(bits[i]!);
  return { source, log2Bits, base64: btoa(binary) };
}

function probesWith(hash: number, mask: number): [number, number] {
  return [hash & mask, (Math.imul(hash ^ (hash >>> 16), SECOND_PROBE_MULTIPLIER) >>> 7) & mask];
}
