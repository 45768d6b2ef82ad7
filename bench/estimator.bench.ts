// Offline token estimator vs js-tiktoken: throughput, start-up, keystroke re-estimate latency,
// and accuracy against real count_tokens figures on held-out texts (fold 0, never fitted on).
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadCalibrationTexts, TOKEN_DATA_DIR, type CalibrationText } from '../scripts/calibrate-tokens.js';
import { TOKENIZER_FAMILIES } from '../src/core/prices/schema.js';
import { errorStats, isHeldOut, type ErrorStats } from '../src/core/tokens/calibration.js';
import { countUserMessageTokens, estimateTextTokens } from '../src/core/tokens/estimator.js';
import { IncrementalTokenEstimator } from '../src/core/tokens/incremental.js';

const MB = 1024 * 1024;
const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Code and prose interleaved, as a prompt with files and instructions would be. */
function mixedText(texts: CalibrationText[], bytes: number): string {
  const code = texts.filter((text) => text.corpus === 'code');
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

export async function run(): Promise<void> {
  const texts = loadCalibrationTexts();
  if (!texts) {
    console.log(`skipped: no calibration data at ${TOKEN_DATA_DIR}`);
    return;
  }

  // Throughput on the same mixed text.
  const big = mixedText(texts, 8 * MB);
  const bigBytes = utf8Bytes(big);
  estimateTextTokens(big, 'v5'); // warm-up: let the JIT optimise the loop
  const wallRounds: number[] = [];
  const cpuRounds: number[] = [];
  let started = 0;
  for (let i = 0; i < 5; i++) {
    const cpu = process.cpuUsage();
    started = performance.now();
    estimateTextTokens(big, 'v5');
    wallRounds.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpu);
    cpuRounds.push((used.user + used.system) / 1e6);
  }
  const estimatorSeconds = percentile(wallRounds, 0.5);

  started = performance.now();
  const { Tiktoken } = await import('js-tiktoken/lite');
  const cl100kRanks = (await import('js-tiktoken/ranks/cl100k_base')).default;
  const cl100k = new Tiktoken(cl100kRanks);
  cl100k.encode('warm up');
  const tiktokenStartup = (performance.now() - started) / 1000;
  const sample = big.slice(0, 2 * MB);
  started = performance.now();
  cl100k.encode(sample);
  const tiktokenSeconds = (performance.now() - started) / 1000;
  console.log(
    `load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')} on ${cpus().length} cores (wall-clock figures include time the OS gave to other processes)`,
  );
  console.log(`mixed code+prose text, ${(bigBytes / MB).toFixed(1)} MB UTF-8`);
  console.log(
    `  estimator  ${(bigBytes / MB / estimatorSeconds).toFixed(1).padStart(7)} MB/s   (median of 5 passes, wall clock; ${(bigBytes / MB / Math.min(...wallRounds)).toFixed(1)} MB/s best, ${(bigBytes / MB / percentile(cpuRounds, 0.5)).toFixed(1)} MB/s by CPU time; no start-up)`,
  );
  console.log(
    `  cl100k     ${(utf8Bytes(sample) / MB / tiktokenSeconds).toFixed(2).padStart(7)} MB/s   start-up ${tiktokenStartup.toFixed(2)} s (import + ranks)`,
  );

  // Keystroke latency on a 1 MB prompt.
  const prompt = big.slice(0, MB);
  const incremental = new IncrementalTokenEstimator('v5');
  incremental.update(prompt);
  const positional = new IncrementalTokenEstimator('v5');
  positional.update(prompt);
  const positionalTimes: number[] = [];
  let current = prompt;
  let seed = 12345;
  const nextRandom = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const editTimes: number[] = [];
  const editCpuTimes: number[] = [];
  const fullTimes: number[] = [];
  for (let edit = 0; edit < 200; edit++) {
    const at = Math.floor(nextRandom() * current.length);
    const inserting = edit % 2 === 0;
    // join() builds a flat string, as an editor's getText() hands over (a rope would be flattened on first read).
    current =
      edit % 2 === 0 ? [current.slice(0, at), 'x', current.slice(at)].join('') : [current.slice(0, at), current.slice(at + 1)].join('');
    const cpu = process.cpuUsage();
    started = performance.now();
    const fast = incremental.update(current);
    editTimes.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    editCpuTimes.push((used.user + used.system) / 1000);
    started = performance.now();
    const viaEdit = positional.edit(current, at, inserting ? 0 : 1, inserting ? 1 : 0);
    positionalTimes.push(performance.now() - started);
    if (viaEdit !== fast) throw new Error(`edit() ${viaEdit} ≠ update() ${fast} after edit ${edit}`);
    if (edit % 10 === 0) {
      started = performance.now();
      const full = estimateTextTokens(current, 'v5');
      fullTimes.push(performance.now() - started);
      if (full !== fast) throw new Error(`incremental ${fast} ≠ full ${full} after edit ${edit}`);
    }
  }
  console.log(`one-character edits of a 1 MB prompt (200 edits, random positions)`);
  console.log(
    `  incremental  median ${percentile(editTimes, 0.5).toFixed(3)} ms  p99 ${percentile(editTimes, 0.99).toFixed(3)} ms wall clock; CPU time median ${percentile(editCpuTimes, 0.5).toFixed(3)} ms  p99 ${percentile(editCpuTimes, 0.99).toFixed(3)} ms`,
  );
  console.log(
    `  edit(offset) median ${percentile(positionalTimes, 0.5).toFixed(3)} ms  p99 ${percentile(positionalTimes, 0.99).toFixed(3)} ms wall clock (editor reports where the change is)`,
  );
  console.log(`  full         median ${percentile(fullTimes, 0.5).toFixed(3)} ms  p99 ${percentile(fullTimes, 0.99).toFixed(3)} ms`);

  // Accuracy on held-out texts, next to the rules of thumb other tools use.
  const o200k = new Tiktoken((await import('js-tiktoken/ranks/o200k_base')).default);
  const heldOut = texts.filter((text) => isHeldOut(text.id));
  console.log(`accuracy vs count_tokens on held-out texts (fold 0 of 5 by id hash; estimate includes the message frame)`);
  for (const corpus of ['code', 'prose'] as const) {
    const subset = heldOut.filter((text) => text.corpus === corpus);
    const clCounts = subset.map((text) => cl100k.encode(text.text).length);
    const oCounts = subset.map((text) => o200k.encode(text.text).length);
    for (const family of TOKENIZER_FAMILIES) {
      const actual = subset.map((text) => text.counts[family]);
      console.log(`  ${corpus} ${family} (${subset.length} texts)`);
      console.log(
        `    estimator      ${pct(
          errorStats(
            subset.map((text) => countUserMessageTokens(text.text, family)),
            actual,
          ),
        )}`,
      );
      console.log(`    cl100k         ${pct(errorStats(clCounts, actual))}`);
      console.log(
        `    cl100k × 1.23  ${pct(
          errorStats(
            clCounts.map((n) => Math.round(n * 1.23)),
            actual,
          ),
        )}`,
      );
      console.log(
        `    o200k × 1.5    ${pct(
          errorStats(
            oCounts.map((n) => Math.round(n * 1.5)),
            actual,
          ),
        )}`,
      );
    }
  }
}
