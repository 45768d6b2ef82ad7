// Fits the offline token estimator to real count_tokens figures in ../shared/data/tokens and
// writes src/core/tokens/coefficients.json (derived numbers only; the texts stay in shared/).
//   npx tsx scripts/calibrate-tokens.ts          fit on folds 1-4, report fold 0 and 5-fold CV, write
//   npx tsx scripts/calibrate-tokens.ts --check  report only, write nothing
//   npx tsx scripts/calibrate-tokens.ts --words  rebuild knownWords.json from js-tiktoken's vocabularies
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
import { FEATURE_COUNT, FEATURE_NAMES, textFeatures, wordHash } from '../src/core/tokens/features.js';
import { encodeWordFilter, type KnownWordFilters } from '../src/core/tokens/knownWords.js';

export const TOKEN_DATA_DIR = resolve(__dirname, '../../shared/data/tokens');
const COEFFICIENTS_FILE = resolve(__dirname, '../src/core/tokens/coefficients.json');
const KNOWN_WORDS_FILE = resolve(__dirname, '../src/core/tokens/knownWords.json');

/** Single-token words of an open vocabulary (leading space stripped), in merge order (most frequent first). */
async function vocabularyWordHashes(name: string): Promise<number[]> {
  // js-tiktoken ships as ES modules only.
  const { Tiktoken } = await import('js-tiktoken/lite');
  const ranks =
    name === 'o200k_base'
      ? (await import('js-tiktoken/ranks/o200k_base')).default
      : (await import('js-tiktoken/ranks/cl100k_base')).default;
  const encoding = new Tiktoken(ranks);
  const hashes: number[] = [];
  for (let id = 0; id < 210_000; id++) {
    let piece: string;
    try {
      piece = encoding.decode([id]);
    } catch {
      continue;
    }
    const hash = wordHash(piece.startsWith(' ') ? piece.slice(1) : piece);
    if (hash !== undefined) hashes.push(hash);
  }
  return hashes;
}

const VOCABULARY = 'cl100k_base';
/** Words among the first merges of the vocabulary count as common. */
const COMMON_WORDS = 8000;
const FILTER_LOG2_BITS = 19;
const MULTILINGUAL_VOCABULARY = 'o200k_base';
const MULTILINGUAL_LOG2_BITS = 19;

async function writeKnownWords(): Promise<void> {
  const hashes = await vocabularyWordHashes(VOCABULARY);
  const main = new Set(hashes);
  const multilingual = (await vocabularyWordHashes(MULTILINGUAL_VOCABULARY)).filter((hash) => !main.has(hash));
  const filters: KnownWordFilters = {
    source: `single-token words (letters of one script, 4+ long) via js-tiktoken: ${main.size} of ${VOCABULARY} (known; the first ${COMMON_WORDS} common), ${multilingual.length} more of ${MULTILINGUAL_VOCABULARY} (multilingual)`,
    log2Bits: FILTER_LOG2_BITS,
    known: encodeWordFilter(hashes, FILTER_LOG2_BITS),
    common: encodeWordFilter(hashes.slice(0, COMMON_WORDS), FILTER_LOG2_BITS),
    multilingual: encodeWordFilter(multilingual, MULTILINGUAL_LOG2_BITS),
    multilingualLog2Bits: MULTILINGUAL_LOG2_BITS,
  };
  writeFileSync(KNOWN_WORDS_FILE, `${JSON.stringify(filters)}\n`);
  console.log(`wrote ${KNOWN_WORDS_FILE}: ${filters.source}`);
}

export type Corpus = 'code' | 'prose';
export interface CalibrationText {
  id: string;
  corpus: Corpus;
  text: string;
  counts: Record<TokenizerFamily, number>;
}

const countsSchema = v.object({ v3: v.number(), 'v4.7': v.number(), v5: v.number() });
const lineSchema = v.object({ id: v.string(), text: v.string(), count_tokens: countsSchema });

/** The shared calibration texts, or undefined when ../shared is not there. */
export function loadCalibrationTexts(dir = TOKEN_DATA_DIR): CalibrationText[] | undefined {
  const files: [string, Corpus][] = [
    ['rosetta.jsonl.gz', 'code'],
    ['udhr-a.jsonl.gz', 'prose'],
  ];
  if (!files.every(([file]) => existsSync(join(dir, file)))) return undefined;
  return files.flatMap(([file, corpus]) =>
    gunzipSync(readFileSync(join(dir, file)))
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        const row = parseOrThrow(lineSchema, JSON.parse(line), `${file} line ${index + 1}`);
        return { id: `${corpus}:${row.id}`, corpus, text: row.text, counts: row.count_tokens };
      }),
  );
}

interface Prepared extends CalibrationText {
  features: Float64Array;
}

/** Code and prose weigh the same in total, so 251 prose texts are not drowned by 1,741 programs. */
function fitRows(texts: readonly Prepared[], family: TokenizerFamily): FitRow[] {
  const perCorpus = { code: 0, prose: 0 };
  for (const text of texts) perCorpus[text.corpus]++;
  return texts.map((text) => ({ features: text.features, actual: text.counts[family], weight: 1 / perCorpus[text.corpus] }));
}

/** Tokens per unit of a feature absent from the calibration texts (a control character is a byte token). */
const UNSEEN_FEATURE_PRIORS: Partial<Record<(typeof FEATURE_NAMES)[number], number>> = { controls: 1, emoji: 2, astral_ideographs: 2 };

/** Mean signed error the fit aims for on its training texts, in code and in prose alike: a slight over-count, never an under-count. */
const TARGET_BIAS = 0.01;

/**
 * v5 is v4.7's vocabulary with a different message frame (shared/README.md): it reuses v4.7's
 * weights and only moves the frame by the typical difference of the two counts.
 */
function fit(texts: readonly Prepared[], family: TokenizerFamily): Fit {
  if (family !== 'v5') return fitFamily(texts, family);
  const base = fitFamily(texts, 'v4.7');
  const differences = texts.map((text) => text.counts['v4.7'] - text.counts.v5).sort((a, b) => a - b);
  return { intercept: base.intercept - differences[Math.floor(differences.length / 2)]!, weights: base.weights };
}

function fitFamily(texts: readonly Prepared[], family: TokenizerFamily): Fit {
  const rows = fitRows(texts, family);
  const fitted = fitNonNegativeL1(rows, FEATURE_COUNT);
  // A feature the texts never show gets a plain prior instead of the fit's zero.
  FEATURE_NAMES.forEach((name, j) => {
    if (rows.every((row) => row.features[j] === 0)) fitted.weights[j] = UNSEEN_FEATURE_PRIORS[name] ?? 0;
  });
  // The L1 fit centres the typical error near zero. Lift it so both corpora over-count by
  // TARGET_BIAS on average: scale the content weights and move the frame, two unknowns for two
  // conditions (short code texts feel the frame, long prose texts the weights).
  const sums = (['code', 'prose'] as const).map((corpus) => {
    const subset = texts.filter((text) => text.corpus === corpus);
    let content = 0;
    let frame = 0;
    for (const text of subset) {
      content += (predict(fitted, text.features) - fitted.intercept) / text.counts[family];
      frame += 1 / text.counts[family];
    }
    // mean signed error = scale·content + frame·(intercept + shift) − 1 = TARGET_BIAS
    return { content: content / subset.length, frame: frame / subset.length };
  });
  const [code, prose] = sums as [{ content: number; frame: number }, { content: number; frame: number }];
  const target = 1 + TARGET_BIAS;
  const determinant = code.content * prose.frame - prose.content * code.frame;
  const scale = (target * prose.frame - target * code.frame) / determinant;
  const intercept = (code.content * target - prose.content * target) / determinant;
  return { intercept: Math.max(0, intercept), weights: fitted.weights.map((weight) => weight * scale) };
}

function report(label: string, fitted: Fit, texts: readonly Prepared[], family: TokenizerFamily): ErrorStats {
  const stats = errorStats(
    texts.map((text) => Math.round(predict(fitted, text.features))),
    texts.map((text) => text.counts[family]),
  );
  console.log(
    `  ${label.padEnd(22)} n=${String(stats.texts).padStart(4)}  MAE ${stats.meanAbsPct.toFixed(2)}%  p90 ${stats.p90AbsPct.toFixed(2)}%  signed ${stats.meanSignedPct.toFixed(2)}%  max ${stats.maxAbsPct.toFixed(1)}%`,
  );
  return stats;
}

function main(): void {
  const texts = loadCalibrationTexts();
  if (!texts) {
    console.error(`calibrate-tokens: no calibration data at ${TOKEN_DATA_DIR}`);
    process.exit(1);
  }
  const prepared: Prepared[] = texts.map((text) => ({ ...text, features: textFeatures(text.text) }));
  const families: Record<string, { frame: number; weights: Record<string, number> }> = {};
  for (const family of TOKENIZER_FAMILIES) {
    console.log(`${family}:`);
    const training = prepared.filter((text) => foldOf(text.id) !== 0);
    const heldOut = prepared.filter((text) => foldOf(text.id) === 0);
    const fitted = fit(training, family);
    for (const corpus of ['code', 'prose'] as const) {
      report(
        `held-out fold 0 ${corpus}`,
        fitted,
        heldOut.filter((text) => text.corpus === corpus),
        family,
      );
    }
    // k-fold: every text estimated by a fit that never saw it.
    const estimates = new Map<string, number>();
    for (let fold = 0; fold < FOLDS; fold++) {
      const foldFit = fit(
        prepared.filter((text) => foldOf(text.id) !== fold),
        family,
      );
      for (const text of prepared.filter((t) => foldOf(t.id) === fold)) estimates.set(text.id, Math.round(predict(foldFit, text.features)));
    }
    for (const corpus of ['code', 'prose'] as const) {
      const subset = prepared.filter((text) => text.corpus === corpus);
      const stats = errorStats(
        subset.map((text) => estimates.get(text.id)!),
        subset.map((text) => text.counts[family]),
      );
      console.log(
        `  ${`${FOLDS}-fold CV ${corpus}`.padEnd(22)} n=${String(stats.texts).padStart(4)}  MAE ${stats.meanAbsPct.toFixed(2)}%  p90 ${stats.p90AbsPct.toFixed(2)}%  signed ${stats.meanSignedPct.toFixed(2)}%  max ${stats.maxAbsPct.toFixed(1)}%`,
      );
    }
    families[family] = {
      frame: round6(fitted.intercept),
      weights: Object.fromEntries(FEATURE_NAMES.map((name, j) => [name, round6(fitted.weights[j]!)])),
    };
  }
  if (process.argv.includes('--check')) return;
  const output = {
    note: 'Derived by scripts/calibrate-tokens.ts from ../shared/data/tokens (count_tokens per family). Do not edit by hand.',
    fittedOn:
      'rosetta + udhr-a texts whose id hashes to folds 1-4 of 5 (FNV-1a of "code:<id>" / "prose:<id>"); fold 0 is held out for tests and the benchmark',
    families,
  };
  writeFileSync(COEFFICIENTS_FILE, `${JSON.stringify(output, null, 1)}\n`);
  console.log(`wrote ${COEFFICIENTS_FILE}`);
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

if (require.main === module) {
  if (process.argv.includes('--words')) void writeKnownWords();
  else main();
}
