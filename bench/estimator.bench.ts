// Offline token estimator: accuracy on held-out texts (fold 0, never fitted on) against real
// count_tokens figures beside the rules of thumb other tools use, the confidence band's coverage,
// whole-process `tally count` throughput and where its start-up goes, against js-tiktoken, and
// the keystroke re-estimate latency on a 1 MB prompt.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { CORPORA, loadCalibrationTexts, TOKEN_DATA_DIR, type CalibrationText } from '../scripts/calibrate-tokens.js';
import { TOKENIZER_FAMILIES } from '../src/core/prices/schema.js';
import { errorStats, isHeldOut, type ErrorStats } from '../src/core/tokens/calibration.js';
import { build } from 'esbuild';
import { countUserMessageTokensWithBand, type estimateTextTokens } from '../src/core/tokens/estimator.js';
import type { IncrementalTokenEstimator } from '../src/core/tokens/incremental.js';
import { TABLE_FILE_NAME } from '../src/core/tokens/readTableFile.js';

const MB = 1024 * 1024;
const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist/cli.js');
const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Code, prompts and prose interleaved (3 : 1), as a prompt with files and instructions would be. */
function mixedText(texts: CalibrationText[], bytes: number): string {
  const code = texts.filter((text) => text.corpus !== 'prose');
  const prose = texts.filter((text) => text.corpus === 'prose');
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const text = i % 4 === 3 ? prose[i % prose.length]! : code[i % code.length]!;
    parts.push(text.text);
    size += utf8Bytes(text.text) + 2;
  }
  return parts.join('\n\n');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

const pct = (stats: ErrorStats) =>
  `MAE ${stats.meanAbsPct.toFixed(1).padStart(5)}%  p90 ${stats.p90AbsPct.toFixed(1).padStart(5)}%  signed ${stats.meanSignedPct.toFixed(1).padStart(6)}%`;

/** Wall-clock seconds of a whole `node …` process (best of `runs`) and what it printed. */
function timeProcess(args: string[], runs: number): { wall: number; stdout: string } {
  let best = { wall: Infinity, stdout: '' };
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wall = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
    if (wall < best.wall) best = { wall, stdout: result.stdout };
  }
  return best;
}

interface ShippedEstimator {
  estimateTextTokens: typeof estimateTextTokens;
  IncrementalTokenEstimator: typeof IncrementalTokenEstimator;
}

/** The estimator bundled as the CLI and the extension bundle it, with its tables beside it. */
async function shippedEstimator(dir: string): Promise<ShippedEstimator> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `export { estimateTextTokens } from ${JSON.stringify(join(ROOT, 'src/core/tokens/estimator.js'))};\n` +
      `export { IncrementalTokenEstimator } from ${JSON.stringify(join(ROOT, 'src/core/tokens/incremental.js'))};\n`,
  );
  const outfile = join(dir, 'estimator.js');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent' });
  copyFileSync(join(ROOT, 'src/core/tokens', TABLE_FILE_NAME), join(dir, TABLE_FILE_NAME));
  return (await import(pathToFileURL(outfile).href)) as ShippedEstimator;
}

export async function run(): Promise<void> {
  const texts = loadCalibrationTexts();
  if (!texts) {
    console.log(`skipped: no calibration data at ${TOKEN_DATA_DIR}`);
    return;
  }
  console.log(
    `load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} on ${cpus().length} cores (wall-clock figures include time the OS gave to other processes)`,
  );
  const { Tiktoken } = await import('js-tiktoken/lite');
  const cl100k = new Tiktoken((await import('js-tiktoken/ranks/cl100k_base')).default);
  const o200k = new Tiktoken((await import('js-tiktoken/ranks/o200k_base')).default);

  // Accuracy on held-out texts, next to the rules of thumb other tools use.
  const heldOut = texts.filter((text) => isHeldOut(text.id));
  console.log('accuracy vs count_tokens on held-out texts (fold 0 of 5 by id hash; every figure includes the message frame)');
  for (const corpus of CORPORA) {
    const subset = heldOut.filter((text) => text.corpus === corpus);
    const clCounts = subset.map((text) => cl100k.encode(text.text).length);
    const oCounts = subset.map((text) => o200k.encode(text.text).length);
    for (const family of TOKENIZER_FAMILIES) {
      const actual = subset.map((text) => text.counts[family]);
      const estimates = subset.map((text) => countUserMessageTokensWithBand(text.text, family));
      const inBand = estimates.filter((estimate, i) => actual[i]! >= estimate.low && actual[i]! <= estimate.high).length;
      const width = estimates.reduce((sum, estimate) => sum + (estimate.high - estimate.low) / estimate.tokens, 0) / estimates.length;
      console.log(`  ${corpus} ${family} (${subset.length} texts)`);
      console.log(
        `    estimator      ${pct(
          errorStats(
            estimates.map((estimate) => estimate.tokens),
            actual,
          ),
        )}   band holds the true count for ${((inBand / subset.length) * 100).toFixed(1)}% (mean width ±${((width / 2) * 100).toFixed(1)}%)`,
      );
      console.log(`    cl100k         ${pct(errorStats(clCounts, actual))}`);
      console.log(
        `    cl100k × 1.23  ${pct(
          errorStats(
            clCounts.map((n) => Math.round(n * 1.23)),
            actual,
          ),
        )}   (Continue)`,
      );
      console.log(
        `    o200k × 1.5    ${pct(
          errorStats(
            oCounts.map((n) => Math.round(n * 1.5)),
            actual,
          ),
        )}   (Roo Code)`,
      );
      console.log(
        `    characters / 4 ${pct(
          errorStats(
            subset.map((text) => Math.ceil(text.text.length / 4)),
            actual,
          ),
        )}`,
      );
    }
  }

  // Whole-process throughput: `node dist/cli.js count` on 10 MB, and js-tiktoken on the same file.
  const big = mixedText(texts, 10 * MB);
  const bigBytes = utf8Bytes(big);
  const scratch = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const bigFile = join(scratch, 'mixed.txt');
  writeFileSync(bigFile, big);
  const tinyFile = join(scratch, 'tiny.txt');
  writeFileSync(tinyFile, 'hello');
  const tiktokenScript = join(scratch, 'tiktoken-count.js');
  writeFileSync(
    tiktokenScript,
    `const { Tiktoken } = require(${JSON.stringify(join(ROOT, 'node_modules/js-tiktoken/dist/lite.cjs'))});\n` +
      `const ranks = require(${JSON.stringify(join(ROOT, 'node_modules/js-tiktoken/dist/ranks/cl100k_base.cjs'))});\n` +
      `const text = require('fs').readFileSync(process.argv[2], 'utf8');\n` +
      `console.log(new Tiktoken(ranks.default ?? ranks).encode(text).length);\n`,
  );
  console.log(`whole-process token count of ${(bigBytes / MB).toFixed(1)} MB of mixed code, prompts and prose (best of 3)`);
  if (!existsSync(CLI)) console.log(`  skipped: ${CLI} not built (npm run build)`);
  else {
    const boot = timeProcess(['-e', '0'], 5);
    const help = timeProcess([CLI, '--help'], 5);
    const tiny = timeProcess([CLI, 'count', '--model', 'sonnet', tinyFile], 5);
    const count = timeProcess([CLI, 'count', '--model', 'sonnet', '--json', bigFile], 3);
    console.log(
      `  tally count  ${(bigBytes / MB / count.wall).toFixed(1).padStart(6)} MB/s  (${(count.wall * 1000).toFixed(0)} ms: ${count.stdout.trim()})`,
    );
    console.log(
      `  start-up: node ${(boot.wall * 1000).toFixed(0)} ms, + CLI bundle ${((help.wall - boot.wall) * 1000).toFixed(0)} ms, + word tables and a one-word count ${((tiny.wall - help.wall) * 1000).toFixed(0)} ms; the 10 MB count itself ${((count.wall - tiny.wall) * 1000).toFixed(0)} ms`,
    );
    const tiktoken = timeProcess([tiktokenScript, bigFile], 1);
    console.log(
      `  js-tiktoken  ${(bigBytes / MB / tiktoken.wall).toFixed(1).padStart(6)} MB/s  (${(tiktoken.wall * 1000).toFixed(0)} ms, cl100k_base, same file: ${tiktoken.stdout.trim()} tokens)`,
    );
  }

  // In-process: warm throughput and the keystroke re-estimate on a 1 MB prompt, on the estimator
  // as it ships (bundled: running from source through tsx reads every cross-file constant through
  // a module getter, several times slower in these loops).
  const shipped = await shippedEstimator(scratch);
  shipped.estimateTextTokens(big, 'v5');
  const rounds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    shipped.estimateTextTokens(big, 'v5');
    rounds.push((performance.now() - started) / 1000);
  }
  console.log(
    `  in-process, warm: ${(bigBytes / MB / percentile(rounds, 0.5)).toFixed(1)} MB/s (median of 3; string input, encoded to UTF-8 first)`,
  );

  const prompt = big.slice(0, MB);
  const incremental = new shipped.IncrementalTokenEstimator('v5');
  incremental.update(prompt);
  const positional = new shipped.IncrementalTokenEstimator('v5');
  positional.update(prompt);
  let current = prompt;
  let seed = 12345;
  const nextRandom = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const editTimes: number[] = [];
  const positionalTimes: number[] = [];
  for (let edit = 0; edit < 200; edit++) {
    const at = Math.floor(nextRandom() * current.length);
    const inserting = edit % 2 === 0;
    // join() builds a flat string, as an editor's getText() hands over (a rope would be flattened on first read).
    current = inserting ? [current.slice(0, at), 'x', current.slice(at)].join('') : [current.slice(0, at), current.slice(at + 1)].join('');
    let started = performance.now();
    const fast = incremental.update(current);
    editTimes.push(performance.now() - started);
    started = performance.now();
    const viaEdit = positional.edit(current, at, inserting ? 0 : 1, inserting ? 1 : 0);
    positionalTimes.push(performance.now() - started);
    if (viaEdit !== fast) throw new Error(`edit() ${viaEdit} ≠ update() ${fast} after edit ${edit}`);
    if (edit % 20 === 0 && shipped.estimateTextTokens(current, 'v5') !== fast) throw new Error(`incremental ≠ full after edit ${edit}`);
  }
  console.log('one-character edits of a 1 MB prompt (200 edits, random positions)');
  console.log(`  update(text)  median ${percentile(editTimes, 0.5).toFixed(3)} ms  p99 ${percentile(editTimes, 0.99).toFixed(3)} ms`);
  console.log(
    `  edit(offset)  median ${percentile(positionalTimes, 0.5).toFixed(3)} ms  p99 ${percentile(positionalTimes, 0.99).toFixed(3)} ms (editor reports where the change is)`,
  );
}
