// Fits the offline token estimator to real count_tokens figures in ../shared/data/tokens and
// writes src/core/tokens/coefficients.json (derived numbers only; the texts stay in shared/).
//   npx tsx scripts/calibrate-tokens.ts          fit on folds 1-4, report fold 0, bands from 5-fold CV, write
//   npx tsx scripts/calibrate-tokens.ts --check  report only, write nothing
//   npx tsx scripts/calibrate-tokens.ts --words  rebuild tokens.bin from js-tiktoken's vocabularies
//                                                (then rerun the fit: the features change with it)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as v from 'valibot';
import type { TokenizerFamily } from '../src/core/prices/schema.js';
import { TOKENIZER_FAMILIES } from '../src/core/prices/schema.js';
import { parseOrThrow } from '../src/core/validation.js';
import {
  errorStats,
  fitNonNegativeL1,
  foldOf,
  FOLDS,
  predict,
  type ErrorStats,
  type Fit,
  type FitRow,
} from '../src/core/tokens/calibration.js';
import { MIN_KNOWN_WORD_LENGTH, wordKey } from '../src/core/tokens/charKinds.js';
import { FEATURE_NAMES, FIRST_BIGRAM_FEATURE, SCRIPT_FEATURES } from '../src/core/tokens/featureNames.js';
import { punctKey, textFeatures } from '../src/core/tokens/features.js';
import { BIGRAM_LOG2_BUCKETS, recordBigrams } from '../src/core/tokens/letterPairs.js';
import { BAND_GROUPS, SCRIPTS } from '../src/core/tokens/scripts.js';
import {
  BIGRAM_BYTES,
  buildFilter,
  decodeTables,
  encodeTables,
  LETTER_TIER_BYTES,
  TABLE_NAMES,
  useWordTables,
  type Filter,
  type TableName,
} from '../src/core/tokens/wordTables.js';
import { TABLE_FILE_NAME } from '../src/core/tokens/readTableFile.js';

export const TOKEN_DATA_DIR = resolve(__dirname, '../../shared/data/tokens');
const COEFFICIENTS_FILE = resolve(__dirname, '../src/core/tokens/coefficients.json');
const TABLE_FILE = resolve(__dirname, '../src/core/tokens', TABLE_FILE_NAME);

/** Single-script pieces of an open vocabulary (leading space stripped), in merge order (most frequent first). */
async function vocabularyPieces(name: 'cl100k_base' | 'o200k_base'): Promise<string[]> {
  // js-tiktoken ships as ES modules only.
  const { Tiktoken } = await import('js-tiktoken/lite');
  const ranks =
    name === 'o200k_base'
      ? (await import('js-tiktoken/ranks/o200k_base')).default
      : (await import('js-tiktoken/ranks/cl100k_base')).default;
  const encoding = new Tiktoken(ranks);
  const pieces: string[] = [];
  const size = name === 'o200k_base' ? 200_000 : 100_256;
  for (let id = 0; id < size; id++) {
    let piece: string;
    try {
      piece = encoding.decode([id]);
    } catch {
      continue;
    }
    if (piece.includes('\ufffd')) continue; // part of a character's bytes
    pieces.push(piece.startsWith(' ') ? piece.slice(1) : piece);
  }
  return pieces;
}

const VOCABULARY = 'cl100k_base';
const MULTILINGUAL_VOCABULARY = 'o200k_base';
/** Words among the first merges of the vocabulary count as common. */
const COMMON_WORDS = 8000;
const LATIN_LOG2_BITS = 19;
const SCRIPT_LOG2_BITS = 19;
const COMMON_LOG2_BITS = 16;
const LATIN_PIECES_LOG2_BITS = 20;
const CAPS_LOG2_BITS = 17;
const PUNCT_LOG2_BITS = 14;

/** Tier of a letter by how many multi-character pieces hold it (the main vocabulary's count weighs 4×). */
const LETTER_TIER_THRESHOLDS = [300, 60, 10];

async function writeWordTables(): Promise<void> {
  const main = await vocabularyPieces(VOCABULARY);
  const multilingual = await vocabularyPieces(MULTILINGUAL_VOCABULARY);
  const keys = (pieces: string[]) => pieces.map((piece) => ({ piece, key: wordKey(piece) }));
  const mainKeys = keys(main);
  const multilingualKeys = keys(multilingual);
  const latinWords = (entries: typeof mainKeys) =>
    entries.flatMap(({ key }) => (key && key.script === 'latin' && key.length >= MIN_KNOWN_WORD_LENGTH ? [key.hash] : []));
  const known = latinWords(mainKeys);
  const knownSet = new Set(known);
  const extra = latinWords(multilingualKeys).filter((hash) => !knownSet.has(hash));
  const both = [...mainKeys, ...multilingualKeys];
  const latinPieces = new Set(both.flatMap(({ key }) => (key && key.script === 'latin' && key.length >= 2 ? [key.hash] : [])));
  const latinCaps = new Set(
    both.flatMap(({ piece, key }) =>
      key && key.script === 'latin' && key.length >= 2 && piece === piece.toUpperCase() && piece !== piece.toLowerCase() ? [key.hash] : [],
    ),
  );
  const punctPieces = new Set([...main, ...multilingual].flatMap((piece) => punctKey(piece) ?? []));
  const scriptPieces = new Set(both.flatMap(({ key }) => (key && key.script !== 'latin' ? [key.hash] : [])));
  // Letter tiers: how many multi-character pieces of each vocabulary hold each BMP character.
  const holding = new Float64Array(0x10000);
  for (const [pieces, factor] of [
    [main, 4],
    [multilingual, 1],
  ] as const) {
    for (const piece of pieces) {
      const characters = [...piece];
      if (characters.length < 2) continue;
      for (const character of new Set(characters)) {
        const code = character.codePointAt(0)!;
        if (code < 0x10000) holding[code]! += factor;
      }
    }
  }
  const letterTiers = new Uint8Array(LETTER_TIER_BYTES);
  for (let code = 0; code < 0x10000; code++) {
    const tier = LETTER_TIER_THRESHOLDS.findIndex((threshold) => holding[code]! >= threshold);
    letterTiers[code >>> 2]! |= (tier === -1 ? 3 : tier) << ((code & 3) << 1);
  }
  const filters: Record<TableName, Filter> = {
    latinKnown: buildFilter(known, LATIN_LOG2_BITS),
    latinCommon: buildFilter(known.slice(0, COMMON_WORDS), COMMON_LOG2_BITS),
    latinPieces: buildFilter(latinPieces, LATIN_PIECES_LOG2_BITS),
    latinCaps: buildFilter(latinCaps, CAPS_LOG2_BITS),
    punctPieces: buildFilter(punctPieces, PUNCT_LOG2_BITS),
    scriptPieces: buildFilter(scriptPieces, SCRIPT_LOG2_BITS),
  };
  const source =
    `single-token pieces via js-tiktoken: ${knownSet.size} Latin words (4+ letters) of ${VOCABULARY} (the first ${COMMON_WORDS} common), ` +
    `${extra.length} more of ${MULTILINGUAL_VOCABULARY}; ${latinPieces.size} Latin pieces (2+ letters), ${latinCaps.size} in capitals, ` +
    `${punctPieces.size} punctuation pieces and ${scriptPieces.size} pieces of other scripts of either`;
  writeFileSync(TABLE_FILE, encodeTables(source, filters, letterTiers, new Int8Array(BIGRAM_BYTES)));
  console.log(`wrote ${TABLE_FILE}: ${source}`);
}

export type Corpus = 'code' | 'prose' | 'prompt';
export const CORPORA: readonly Corpus[] = ['code', 'prose', 'prompt'];
export interface CalibrationText {
  id: string;
  corpus: Corpus;
  /** Language (programming language for code and prompts), as the data set names it. */
  lang: string;
  /** Which data set: rosetta, udhr, locale-ui, file, ide-prompt. */
  source: string;
  text: string;
  counts: Record<TokenizerFamily, number>;
}

const countsSchema = v.object({ v3: v.number(), 'v4.7': v.number(), v5: v.number() });
const lineSchema = v.object({
  id: v.string(),
  text: v.string(),
  count_tokens: countsSchema,
  kind: v.optional(v.picklist(['code', 'prose', 'prompt'])),
  lang: v.optional(v.string()),
  source: v.optional(v.string()),
  iso639_3: v.optional(v.string()),
});

const DATA_FILES: ReadonlyArray<{ file: string; corpus?: Corpus; source?: string }> = [
  { file: 'rosetta.jsonl.gz', corpus: 'code', source: 'rosetta' },
  { file: 'udhr-a.jsonl.gz', corpus: 'prose', source: 'udhr' },
  { file: 'extra.jsonl.gz' },
];

/** The shared calibration texts, or undefined when ../shared is not there. */
export function loadCalibrationTexts(dir = TOKEN_DATA_DIR): CalibrationText[] | undefined {
  if (!DATA_FILES.every(({ file }) => existsSync(join(dir, file)))) return undefined;
  return DATA_FILES.flatMap(({ file, corpus, source }) =>
    gunzipSync(readFileSync(join(dir, file)))
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        const row = parseOrThrow(lineSchema, JSON.parse(line), `${file} line ${index + 1}`);
        const kind = corpus ?? row.kind ?? 'prose';
        // The first two files' ids keep their committed prefix, so their folds stay as they were.
        const id = corpus ? `${corpus}:${row.id}` : row.id;
        return {
          id,
          corpus: kind,
          lang: row.lang ?? row.iso639_3 ?? '?',
          source: source ?? row.source ?? file,
          text: row.text,
          counts: row.count_tokens,
        };
      }),
  );
}

interface Prepared extends CalibrationText {
  features: Float64Array;
  /** Letter pairs per bucket (features.ts bigramBucket), sparse. */
  pairBuckets: Int32Array;
  pairCounts: Float64Array;
  /** The band group holding most of the text's estimated tokens. */
  group: string;
}

const SCRIPT_BLOCK_START = FEATURE_NAMES.indexOf(`${SCRIPTS[0]}_${SCRIPT_FEATURES[0]}`);
const PER_SCRIPT = SCRIPT_FEATURES.length;

/** Which band group a text belongs to: the script with the most UTF-8 bytes, if it outweighs the Latin letters. */
function dominantGroup(features: Float64Array): string {
  let best = 'latin';
  let bestBytes = 0;
  const latinLetters =
    FEATURE_NAMES.reduce((sum, name, j) => (name.startsWith('latin_') && /len|letters/.test(name) ? sum + features[j]! : sum), 0) * 3;
  SCRIPTS.forEach((script, s) => {
    const bytes = features[SCRIPT_BLOCK_START + s * PER_SCRIPT + 1]!;
    if (bytes > bestBytes) {
      bestBytes = bytes;
      best = script;
    }
  });
  return bestBytes > latinLetters ? best : 'latin';
}

/** Every corpus weighs the same in total, so 1,476 UI strings do not drown 251 declarations or 500 prompts. */
function fitRows(texts: readonly Prepared[], family: TokenizerFamily, features: (text: Prepared) => ArrayLike<number>): FitRow[] {
  const perCorpus: Record<string, number> = {};
  for (const text of texts) perCorpus[`${text.corpus}/${text.source}`] = (perCorpus[`${text.corpus}/${text.source}`] ?? 0) + 1;
  const sourcesPerCorpus: Record<string, number> = {};
  for (const key of Object.keys(perCorpus)) sourcesPerCorpus[key.split('/')[0]!] = (sourcesPerCorpus[key.split('/')[0]!] ?? 0) + 1;
  return texts.map((text) => ({
    features: features(text),
    actual: text.counts[family],
    weight: 1 / perCorpus[`${text.corpus}/${text.source}`]! / sourcesPerCorpus[text.corpus]!,
  }));
}

const FEATURE_FLOORS: Partial<Record<string, number>> = { controls: 1 };
/** Tokens per unit of a feature absent from the calibration texts (a control character is a byte token). */
const UNSEEN_FEATURE_PRIORS: Partial<Record<string, number>> = { controls: 1, emoji: 2 };

/** Mean signed error the fit aims for on its training texts, in every corpus: a slight over-count, never an under-count. */
const TARGET_BIAS = Number(process.env['TALLY_TARGET_BIAS'] ?? 0.006);
/** How hard a script's weights are pulled to the pooled weights of all scripts (relative to its data). */
const SCRIPT_PRIOR_STRENGTH = 0.05;

/** The script blocks summed into one, for the pooled first stage. */
function pooledFeatures(features: Float64Array): Float64Array {
  const pooled = new Float64Array(SCRIPT_BLOCK_START + PER_SCRIPT);
  pooled.set(features.subarray(0, SCRIPT_BLOCK_START));
  for (let s = 0; s < SCRIPTS.length; s++) {
    for (let k = 0; k < PER_SCRIPT; k++) pooled[SCRIPT_BLOCK_START + k]! += features[SCRIPT_BLOCK_START + s * PER_SCRIPT + k]!;
  }
  return pooled;
}

/** A fitted model: the linear part and, per letter-pair bucket, its correction in tokens. */
interface Model extends Fit {
  pairs: Float64Array;
}

const LINEAR_FEATURES = FIRST_BIGRAM_FEATURE;
const BUCKETS = 2 ** BIGRAM_LOG2_BUCKETS;

function predictModel(model: Model, text: Prepared): number {
  return predict(model, text.features.subarray(0, LINEAR_FEATURES)) + pairSum(model.pairs, text);
}

function pairSum(pairs: Float64Array, text: Prepared): number {
  let sum = 0;
  for (let k = 0; k < text.pairBuckets.length; k++) sum += pairs[text.pairBuckets[k]!]! * text.pairCounts[k]!;
  return sum;
}

/**
 * v5 is v4.7's vocabulary with a different message frame (shared/README.md): it reuses v4.7's
 * weights and only moves the frame by the typical difference of the two counts.
 */
function fit(texts: readonly Prepared[], family: TokenizerFamily): Model {
  if (family !== 'v5') return fitFamily(texts, family);
  const base = fitFamily(texts, 'v4.7');
  const differences = texts.map((text) => text.counts['v4.7'] - text.counts.v5).sort((a, b) => a - b);
  return { ...base, intercept: base.intercept - differences[Math.floor(differences.length / 2)]! };
}

const fitCache = new Map<string, Model>();

function fitFamily(texts: readonly Prepared[], family: TokenizerFamily): Model {
  const key = `${family}:${texts.length}:${texts[0]?.id}:${texts[texts.length - 1]?.id}`;
  const cached = fitCache.get(key);
  if (cached) return cached;
  // Stage 1: every script shares one set of weights, so a script seen in few texts (or none)
  // borrows what the others teach. Stage 2: each script gets its own, pulled towards those.
  const pooled = fitNonNegativeL1(
    fitRows(texts, family, (text) => pooledFeatures(text.features)),
    SCRIPT_BLOCK_START + PER_SCRIPT,
  );
  const prior = new Float64Array(LINEAR_FEATURES);
  const strength = new Float64Array(LINEAR_FEATURES).fill(1e-4);
  prior.set(pooled.weights.slice(0, SCRIPT_BLOCK_START));
  for (let s = 0; s < SCRIPTS.length; s++) {
    for (let k = 0; k < PER_SCRIPT; k++) {
      prior[SCRIPT_BLOCK_START + s * PER_SCRIPT + k] = pooled.weights[SCRIPT_BLOCK_START + k]!;
      strength[SCRIPT_BLOCK_START + s * PER_SCRIPT + k] = SCRIPT_PRIOR_STRENGTH;
    }
  }
  const rows = fitRows(texts, family, (text) => text.features);
  const fitted = fitNonNegativeL1(rows, LINEAR_FEATURES, { prior, priorStrength: strength });
  // Floors where a tokenizer cannot do better (a control character is a byte token of its own).
  FEATURE_NAMES.slice(0, LINEAR_FEATURES).forEach(
    (name, j) => (fitted.weights[j] = Math.max(fitted.weights[j]!, FEATURE_FLOORS[name] ?? 0)),
  );
  // A feature the texts never show gets the pooled weight or a plain prior instead of the fit's zero.
  FEATURE_NAMES.slice(0, LINEAR_FEATURES).forEach((name, j) => {
    if (rows.every((row) => row.features[j] === 0))
      fitted.weights[j] = j >= SCRIPT_BLOCK_START ? prior[j]! : (UNSEEN_FEATURE_PRIORS[name] ?? 0);
  });
  // Alternate once: refit the linear part with the pair corrections as a fixed offset, then the
  // corrections on what is left (each part explains what the other cannot).
  const firstPairs = fitPairs(texts, rows, fitted, undefined);
  const offsets = texts.map((text) => pairSum(firstPairs, text));
  const refitted = fitNonNegativeL1(
    rows.map((row, t) => ({ ...row, offset: offsets[t]! })),
    LINEAR_FEATURES,
    { prior, priorStrength: strength },
  );
  FEATURE_NAMES.slice(0, LINEAR_FEATURES).forEach((name, j) => {
    refitted.weights[j] = Math.max(refitted.weights[j]!, FEATURE_FLOORS[name] ?? 0);
    if (rows.every((row) => row.features[j] === 0)) refitted.weights[j] = fitted.weights[j]!;
  });
  const model = { ...refitted, pairs: fitPairs(texts, rows, refitted, firstPairs) };
  const lifted = liftBias(model, texts, family);
  fitCache.set(key, lifted);
  return lifted;
}

/** Ridge on the letter-pair corrections, relative to the mean diagonal of the normal equations. */
const PAIR_RIDGE = Number(process.env['TALLY_PAIR_RIDGE'] ?? 0.1);
/** Largest correction kept, in tokens per pair; the int8 table quantises within it. */
const PAIR_CLIP_QUANTILE = 0.999;

/**
 * The letter-pair corrections: ridge regression of what the linear part leaves (relative to
 * the true count, weighted as the rows are) on each text's pair counts, by conjugate gradients
 * (16,384 unknowns, sparse rows), then quantised to the int8 table the estimator ships.
 */
function fitPairs(texts: readonly Prepared[], rows: readonly FitRow[], linear: Fit, start: Float64Array | undefined): Float64Array {
  const residual = texts.map(
    (text, t) => (rows[t]!.actual - predict(linear, text.features.subarray(0, LINEAR_FEATURES))) / rows[t]!.actual,
  );
  const totalWeight = rows.reduce((sum, row) => sum + row.weight, 0);
  const weight = rows.map((row) => row.weight / totalWeight);
  // A·v = Xᵀ W X v + λ v, X[t][b] = pairs of b in t / actual.
  const diagonal = new Float64Array(BUCKETS);
  texts.forEach((text, t) => {
    const scale = 1 / rows[t]!.actual;
    for (let k = 0; k < text.pairBuckets.length; k++) diagonal[text.pairBuckets[k]!]! += weight[t]! * (text.pairCounts[k]! * scale) ** 2;
  });
  const meanDiagonal = diagonal.reduce((sum, value) => sum + value, 0) / BUCKETS;
  const lambda = PAIR_RIDGE * meanDiagonal;
  const multiply = (v: Float64Array, out: Float64Array) => {
    out.fill(0);
    texts.forEach((text, t) => {
      const scale = 1 / rows[t]!.actual;
      let dot = 0;
      for (let k = 0; k < text.pairBuckets.length; k++) dot += v[text.pairBuckets[k]!]! * text.pairCounts[k]! * scale;
      dot *= weight[t]!;
      for (let k = 0; k < text.pairBuckets.length; k++) out[text.pairBuckets[k]!]! += dot * text.pairCounts[k]! * scale;
    });
    for (let b = 0; b < BUCKETS; b++) out[b]! += lambda * v[b]!;
  };
  const rhs = new Float64Array(BUCKETS);
  texts.forEach((text, t) => {
    const scale = 1 / rows[t]!.actual;
    for (let k = 0; k < text.pairBuckets.length; k++) rhs[text.pairBuckets[k]!]! += weight[t]! * residual[t]! * text.pairCounts[k]! * scale;
  });
  // Conjugate gradients, from the previous corrections when there are some.
  const x = start ? Float64Array.from(start) : new Float64Array(BUCKETS);
  const r = Float64Array.from(rhs);
  if (start) {
    const ax = new Float64Array(BUCKETS);
    multiply(x, ax);
    for (let b = 0; b < BUCKETS; b++) r[b]! -= ax[b]!;
  }
  const p = Float64Array.from(r);
  const ap = new Float64Array(BUCKETS);
  let rr = r.reduce((sum, value) => sum + value * value, 0);
  const stop = rr * 1e-10;
  for (let iteration = 0; iteration < 200 && rr > stop; iteration++) {
    multiply(p, ap);
    let pap = 0;
    for (let b = 0; b < BUCKETS; b++) pap += p[b]! * ap[b]!;
    const alpha = rr / pap;
    let next = 0;
    for (let b = 0; b < BUCKETS; b++) {
      x[b]! += alpha * p[b]!;
      r[b]! -= alpha * ap[b]!;
      next += r[b]! * r[b]!;
    }
    const beta = next / rr;
    rr = next;
    for (let b = 0; b < BUCKETS; b++) p[b] = r[b]! + beta * p[b]!;
  }
  return quantisePairs(x).values;
}

/** The int8 table and its scale; `values` are what the shipped table gives back. */
function quantisePairs(pairs: Float64Array): { table: Int8Array; scale: number; values: Float64Array } {
  const magnitudes = Array.from(pairs, Math.abs).sort((a, b) => a - b);
  const clip = magnitudes[Math.floor(PAIR_CLIP_QUANTILE * (magnitudes.length - 1))]! || 1e-9;
  const scale = clip / 127;
  const table = new Int8Array(pairs.length);
  const values = new Float64Array(pairs.length);
  pairs.forEach((value, b) => {
    table[b] = Math.max(-127, Math.min(127, Math.round(value / scale)));
    values[b] = table[b]! * scale;
  });
  return { table, scale, values };
}

/**
 * The L1 fit centres the typical error near zero. Lift it so that every corpus over-counts by
 * at least TARGET_BIAS on average: a scale of the content weights and a frame shift fitted by
 * least squares to the per-corpus targets, then the scale raised until the worst corpus reaches it.
 */
function liftBias(fitted: Model, texts: readonly Prepared[], family: TokenizerFamily): Model {
  const sums = CORPORA.map((corpus) => {
    const subset = texts.filter((text) => text.corpus === corpus);
    let content = 0;
    let frame = 0;
    for (const text of subset) {
      content += (predictModel(fitted, text) - fitted.intercept) / text.counts[family];
      frame += 1 / text.counts[family];
    }
    return { content: content / Math.max(1, subset.length), frame: frame / Math.max(1, subset.length), n: subset.length };
  }).filter((sum) => sum.n > 0);
  // Least squares in (scale, intercept): Σ (scale·content + intercept·frame − target)².
  const target = 1 + TARGET_BIAS;
  let cc = 0;
  let cf = 0;
  let ff = 0;
  let ct = 0;
  let ft = 0;
  for (const { content, frame } of sums) {
    cc += content * content;
    cf += content * frame;
    ff += frame * frame;
    ct += content * target;
    ft += frame * target;
  }
  const determinant = cc * ff - cf * cf;
  let scale = (ct * ff - cf * ft) / determinant;
  let intercept = Math.max(0, (cc * ft - cf * ct) / determinant);
  if (!Number.isFinite(scale) || scale <= 0) {
    scale = 1;
    intercept = fitted.intercept;
  }
  const worst = Math.min(...sums.map(({ content, frame }) => scale * content + intercept * frame));
  if (worst < target) {
    const { content, frame } = sums.find((sum) => scale * sum.content + intercept * sum.frame === worst)!;
    scale = (target - intercept * frame) / content;
  }
  return { intercept, weights: fitted.weights.map((weight) => weight * scale), pairs: fitted.pairs.map((value) => value * scale) };
}

const estimate = (fitted: Model, text: Prepared) => Math.round(predictModel(fitted, text));

function statsOf(fitted: Model | Map<string, number>, texts: readonly Prepared[], family: TokenizerFamily): ErrorStats {
  return errorStats(
    texts.map((text) => (fitted instanceof Map ? fitted.get(text.id)! : estimate(fitted, text))),
    texts.map((text) => text.counts[family]),
  );
}

const line = (label: string, stats: ErrorStats) =>
  `  ${label.padEnd(26)} n=${String(stats.texts).padStart(4)}  MAE ${stats.meanAbsPct.toFixed(2).padStart(5)}%  p90 ${stats.p90AbsPct.toFixed(2).padStart(5)}%  signed ${stats.meanSignedPct.toFixed(2).padStart(6)}%  max ${stats.maxAbsPct.toFixed(1)}%`;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Share of the estimate below and above it that the true count reaches about 19 times in 20, per group. */
const BAND_QUANTILE = 0.95;
/** Fewer CV texts than this and a group's band is the pooled band of the scripts, widened. */
const MIN_BAND_TEXTS = 8;

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Band per group from cross-validated residuals (each text estimated by a fit that never saw it). */
function bands(
  texts: readonly Prepared[],
  estimates: Map<string, number>,
  family: TokenizerFamily,
): Record<string, { under: number; over: number }> {
  const residual = (text: Prepared) => (estimates.get(text.id)! - text.counts[family]) / estimates.get(text.id)!;
  const spread = (subset: readonly Prepared[]) => ({
    under: round6(
      Math.max(
        0,
        quantile(
          subset.map((text) => -residual(text)),
          BAND_QUANTILE,
        ),
      ),
    ),
    over: round6(Math.max(0, quantile(subset.map(residual), BAND_QUANTILE))),
  });
  const byGroup = groupBy(texts, (text) => text.group);
  const scripts = texts.filter((text) => text.group !== 'latin');
  const pooled = spread(scripts);
  const unseen = { under: round6(pooled.under * 2), over: round6(pooled.over * 2) };
  return Object.fromEntries(
    BAND_GROUPS.map((group) => {
      const subset = byGroup.get(group) ?? [];
      if (subset.length >= MIN_BAND_TEXTS) return [group, spread(subset)];
      if (subset.length === 0) return [group, unseen];
      const own = spread(subset);
      return [group, { under: Math.max(own.under, pooled.under * 1.5), over: Math.max(own.over, pooled.over * 1.5) }];
    }),
  );
}

function main(): void {
  const texts = loadCalibrationTexts();
  if (!texts) {
    console.error(`calibrate-tokens: no calibration data at ${TOKEN_DATA_DIR}`);
    process.exit(1);
  }
  // Features with the bigram corrections zeroed (the fit makes them), and each text's letter pairs.
  const tables = decodeTables(new Uint8Array(readFileSync(TABLE_FILE)));
  useWordTables({ ...tables, bigrams: new Int8Array(BIGRAM_BYTES) });
  const pairs = new Float64Array(BUCKETS);
  recordBigrams(pairs);
  const prepared: Prepared[] = texts.map((text) => {
    pairs.fill(0);
    const features = textFeatures(text.text);
    const buckets: number[] = [];
    const counts: number[] = [];
    pairs.forEach((count, bucket) => {
      if (count === 0) return;
      buckets.push(bucket);
      counts.push(count);
    });
    return {
      ...text,
      features,
      pairBuckets: Int32Array.from(buckets),
      pairCounts: Float64Array.from(counts),
      group: dominantGroup(features),
    };
  });
  recordBigrams(undefined);
  // TALLY_VALIDATE=1 tunes on fold 1 (fitting on folds 2-4) so fold 0 stays unseen by every choice.
  const validating = process.env['TALLY_VALIDATE'] === '1';
  const training = prepared.filter((text) => foldOf(text.id) !== 0 && (!validating || foldOf(text.id) !== 1));
  const heldOut = prepared.filter((text) => foldOf(text.id) === (validating ? 1 : 0));
  const noCv = process.argv.includes('--no-cv');
  const pairTable = new Int8Array(BIGRAM_BYTES);
  const families: Record<
    string,
    { frame: number; weights: Record<string, number>; bands: Record<string, { under: number; over: number }> }
  > = {};
  for (const family of TOKENIZER_FAMILIES) {
    console.log(`${family}:`);
    const started = Date.now();
    const fitted = fit(training, family);
    for (const corpus of CORPORA) {
      console.log(
        line(
          `held-out ${corpus}`,
          statsOf(
            fitted,
            heldOut.filter((text) => text.corpus === corpus),
            family,
          ),
        ),
      );
    }
    console.log(`  (fit ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (process.argv.includes('--detail')) reportDetail(fitted, heldOut, family);
    // k-fold: every text estimated by a fit that never saw it, for the bands.
    const cv = new Map<string, number>();
    if (!noCv) {
      for (let fold = 0; fold < FOLDS; fold++) {
        const foldFit =
          fold === 0
            ? fitted
            : fit(
                prepared.filter((text) => foldOf(text.id) !== fold),
                family,
              );
        for (const text of prepared.filter((t) => foldOf(t.id) === fold)) cv.set(text.id, estimate(foldFit, text));
      }
      for (const corpus of CORPORA)
        console.log(
          line(
            `${FOLDS}-fold CV ${corpus}`,
            statsOf(
              cv,
              prepared.filter((text) => text.corpus === corpus),
              family,
            ),
          ),
        );
    } else for (const text of heldOut) cv.set(text.id, estimate(fitted, text));
    // The shipped pair table holds v3's and v4.7's corrections as int8; each family's weight on
    // its model's column is the table's scale.
    const quantised = quantisePairs(fitted.pairs);
    if (family !== 'v5') quantised.table.forEach((value, b) => (pairTable[b * 2 + (family === 'v3' ? 0 : 1)] = value));
    const pairWeights = { bigrams_v3: family === 'v3' ? quantised.scale : 0, bigrams_v4_7: family === 'v3' ? 0 : quantised.scale };
    families[family] = {
      frame: round6(fitted.intercept),
      weights: Object.fromEntries(
        FEATURE_NAMES.map((name, j) => [
          name,
          j < LINEAR_FEATURES ? round6(fitted.weights[j]!) : pairWeights[name as keyof typeof pairWeights],
        ]),
      ),
      bands: bands(noCv ? heldOut : prepared, cv, family),
    };
  }
  if (process.argv.includes('--check')) return;
  const output = {
    note: 'Derived by scripts/calibrate-tokens.ts from ../shared/data/tokens (count_tokens per family). Do not edit by hand.',
    fittedOn:
      'rosetta + udhr-a + extra texts whose id hashes to folds 1-4 of 5 (FNV-1a of the id; "code:"/"prose:" prefixed for the first two files); fold 0 is held out for tests and the benchmark. Bands: 95th percentile of 5-fold cross-validated relative residuals per dominant script.',
    families,
  };
  writeFileSync(COEFFICIENTS_FILE, `${JSON.stringify(output, null, 1)}\n`);
  writeFileSync(
    TABLE_FILE,
    encodeTables(
      tables.source,
      Object.fromEntries(TABLE_NAMES.map((name) => [name, tables[name]])) as Record<TableName, Filter>,
      tables.letterTiers,
      pairTable,
    ),
  );
  console.log(`wrote ${COEFFICIENTS_FILE} and the letter-pair corrections in ${TABLE_FILE}`);
}

/** Held-out errors by script and by data set and language, and the worst texts. */
function reportDetail(fitted: Model, heldOut: readonly Prepared[], family: TokenizerFamily): void {
  for (const [group, subset] of [...groupBy(heldOut, (text) => `${text.corpus} ${text.group}`)].sort())
    console.log(line(group, statsOf(fitted, subset, family)));
  for (const [group, subset] of [
    ...groupBy(heldOut, (text) => `${text.corpus} ${text.source} ${text.corpus === 'prose' ? languageFamily(text.lang) : text.lang}`),
  ].sort())
    console.log(line(group, statsOf(fitted, subset, family)));
  const worst = [...heldOut]
    .map((text) => ({ text, error: (estimate(fitted, text) - text.counts[family]) / text.counts[family] }))
    .sort((a, b) => Math.abs(b.error) - Math.abs(a.error))
    .slice(0, 10);
  for (const { text, error } of worst)
    console.log(
      `  worst ${(error * 100).toFixed(1).padStart(6)}%  ${text.id} ${text.corpus}/${text.source} ${text.lang} ${text.group} est ${estimate(fitted, text)} actual ${text.counts[family]}  ${JSON.stringify(text.text.slice(0, 80))}`,
    );
}

/** Coarse language families for the report (ISO 639-1/-3 codes of the data sets; the rest are "other"). */
const LANGUAGE_FAMILIES: Record<string, string> = Object.fromEntries(
  Object.entries({
    germanic:
      'af de en en_GB en_CA en@quot en@boldquot en@shaw da nb nn nb_NO sv is fo nl li nds fy yi bar ang eng deu nld dan swe nob nno isl fao afr ltz fry sco',
    romance:
      'fr es it pt pt_BR pt_PT ca ca@valencia ro gl oc an ast fur sc wa ia ie io eo la frp fra spa ita por cat ron glg oci srd roh lad cos',
    slavic: 'ru uk be be@latin bg mk sr sr@ije sr@latin hr bs sl cs sk pl csb rus ukr bel bul mkd srp hrv bos slv ces slk pol hsb dsb',
    baltic: 'lt lv lit lvs',
    celtic: 'ga gd cy br kw gv gle gla cym bre',
    uralic: 'fi et hu kv mhr fin est hun sme',
    turkic: 'tr az crh kk ky tt tt@iqtelif uz uz@cyrillic tk ug cv tur azj kaz kir tat uzn tuk uig chv bak',
    iranian: 'fa ku kmr ckb tg ps pes kur tgk pbu',
    'indo-aryan': 'hi bn bn_IN bn_BD as pa pa_PK gu mr ne or si mai kok sd ur hin ben asm pan guj mar npi ory sin urd',
    dravidian: 'ta te kn ml tam tel kan mal',
    semitic: 'ar he mt am ti tig gez byn arb heb mlt amh tir',
    'sino-tibetan': 'zh_CN zh_HK zh_TW zh_Hant my dz bo cmn mya',
    'japanese/korean': 'ja ko jpn kor',
    'tai/austroasiatic': 'th lo km vi tha lao khm vie',
    austronesian: 'id ms tl fil mg mi haw ind zlm tgl plt mri jav sun ceb',
    'niger-congo': 'xh zu sw lg nso rw kg yo wo ff son ha ach kab so xho zul swh lug kin yor wol hau som',
  }).flatMap(([family, codes]) => codes.split(' ').map((code) => [code, family])),
);
const languageFamily = (lang: string) => LANGUAGE_FAMILIES[lang] ?? 'other';

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

if (require.main === module) {
  if (process.argv.includes('--words')) void writeWordTables();
  else main();
}
