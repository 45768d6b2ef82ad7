// Issue 9: is the estimate shown before sending the bill? `npm run bench estimate`.
// 1. Input side: caching.bench's 20-turn patterns through the chat stack (as the CLI and the
//    extension build it) against the fake, with exact counts (a key: count_tokens) and without
//    (the offline estimate); each turn's estimate.usd.input against the input side it was billed.
// 2. Output side: how often the billed answer length falls in the range shown before sending, on
//    a replay of synthetic recorded turns (see replayAnswers for what it is and is not).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheTtlSetting } from '../src/core/cache/ttl.js';
import { Conversation } from '../src/core/chat/conversation.js';
import type { TurnResult } from '../src/core/chat/engine.js';
import type { ChatScript } from '../src/core/chat/script.js';
import { createChatStack } from '../src/core/chat/stack.js';
import { sharedLedger } from '../src/core/ledger/index.js';
import { priceUsage, utcDate } from '../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../src/core/prices/priceTable.js';
import { defaultRouterConfig } from '../src/core/router/index.js';
import { startFakeAnthropic } from '../src/simulator/server.js';
import { ANSWER_MS, buildPattern, ISSUE_SIZE, MODEL, START_MS, type Pattern, type PatternSize } from './caching.bench.js';
import { replayAnswers, summariseCoverage, type CoverageCell, type CoverageRow } from './estimateReplay.js';

/** Issue 9's three patterns; 'mixed' and 'edit' draw their pauses from a seed. */
export const BILL_PATTERNS = ['back-to-back', 'mixed', 'edit'] as const satisfies readonly Pattern[];
export type BillPattern = (typeof BILL_PATTERNS)[number];
export type CountMode = 'exact' | 'offline';

/** One turn: what was estimated on the input side before sending, and what it was billed. */
export interface TurnCheck {
  turn: number;
  exact: boolean;
  /** As billed: what the turn read from and wrote to the cache. */
  readTokens: number;
  writeTokens: number;
  /** Set when older turns were summarised before this one. */
  trimmed: boolean;
  estimatedUsd: number;
  billedUsd: number;
  /** (estimated - billed) / billed. */
  error: number;
}

export interface CheckOptions {
  cacheTtl?: CacheTtlSetting;
  /** History budget in tokens (history compression); default the stack's. */
  historyBudgetTokens?: number;
}

/**
 * Runs `script` through createChatStack (real router, ledger in a temporary directory) against a
 * fresh fake sharing its clock, and compares each turn's input side.
 */
export async function checkInputSide(script: ChatScript, mode: CountMode, options: CheckOptions = {}): Promise<TurnCheck[]> {
  let now = START_MS;
  const clock = () => now;
  const fake = await startFakeAnthropic({ clock });
  const ledgerDir = mkdtempSync(join(tmpdir(), 'tally-estimate-bench-'));
  try {
    const table = bundledPriceTable();
    const shared = sharedLedger(ledgerDir, table, { now: clock });
    const settings = {
      models: { ...defaultRouterConfig.models },
      router: defaultRouterConfig,
      budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null },
      apiBaseUrl: fake.url,
      cacheTtl: options.cacheTtl ?? 'auto',
      ...(options.historyBudgetTokens ? { compression: { historyBudgetTokens: options.historyBudgetTokens } } : {}),
    };
    const stack = createChatStack({
      apiKey: async () => 'sk-bench',
      settings: () => settings,
      priceTable: () => table,
      ledger: () => shared,
      workspace: () => ({ path: ledgerDir, name: 'bench' }),
      clock,
      source: 'cli',
      exactCounts: mode === 'exact',
    });
    const engine = await stack.engine();
    if (engine === 'no-key') throw new Error('the bench host has a key');
    const conversation = new Conversation('estimate-bench', script.system, script.context);
    const checks: TurnCheck[] = [];
    for (const turn of script.turns) {
      now += turn.pauseSeconds * 1000;
      const result = await engine.sendTurn(conversation, { user: turn.user, model: turn.model, context: turn.context });
      checks.push(checkTurn(result, stack.priceTable(), now));
      now += ANSWER_MS;
    }
    return checks;
  } finally {
    await fake.close();
    rmSync(ledgerDir, { recursive: true, force: true });
  }
}

/** The turn's input side as estimated and as billed (the usage priced at the rates of its day, output left out). */
export function checkTurn(result: TurnResult, table: ReturnType<typeof bundledPriceTable>, sentAtMs: number): TurnCheck {
  if (result.status !== 'ok' || !result.usage) throw new Error(`turn ${result.turn}: ${result.status} ${result.error?.message ?? ''}`);
  const billed = priceUsage(table, resolveModel(table, result.model), result.usage, { date: utcDate(sentAtMs) });
  const billedUsd = billed.total - billed.output;
  const estimatedUsd = result.estimate.usd.input;
  return {
    turn: result.turn,
    exact: result.estimate.exact,
    readTokens: result.cacheReadTokens,
    writeTokens: result.cacheWriteTokens,
    trimmed: result.trimmed !== null,
    estimatedUsd,
    billedUsd,
    error: (estimatedUsd - billedUsd) / billedUsd,
  };
}

export interface ErrorSummary {
  turns: number;
  /** The turn with the largest |error| (first of equals), and its error. */
  worstTurn: number;
  worstError: number;
  /** Where it happened: pattern and seed. */
  worstWhere: string;
  meanAbsError: number;
  /** Share of turns with |error| <= 1%. */
  within1: number;
  exactTurns: number;
}

export function summariseErrors(runs: ReadonlyArray<{ where: string; checks: readonly TurnCheck[] }>): ErrorSummary {
  const all = runs.flatMap((run) => run.checks.map((check) => ({ ...check, where: run.where })));
  const worst = all.reduce((a, b) => (Math.abs(b.error) > Math.abs(a.error) ? b : a));
  return {
    turns: all.length,
    worstTurn: worst.turn,
    worstError: worst.error,
    worstWhere: worst.where,
    meanAbsError: all.reduce((sum, check) => sum + Math.abs(check.error), 0) / all.length,
    within1: all.filter((check) => Math.abs(check.error) <= 0.01).length / all.length,
    exactTurns: all.filter((check) => check.exact).length,
  };
}

/** Every pattern (each seed where it is random) in both modes. */
export async function measureInputSide(
  size: PatternSize,
  seeds: readonly number[],
  options: CheckOptions = {},
): Promise<Record<BillPattern, Record<CountMode, ErrorSummary>>> {
  const table = {} as Record<BillPattern, Record<CountMode, ErrorSummary>>;
  for (const pattern of BILL_PATTERNS) {
    const patternSeeds = pattern === 'back-to-back' ? seeds.slice(0, 1) : seeds;
    table[pattern] = {} as Record<CountMode, ErrorSummary>;
    for (const mode of ['exact', 'offline'] as const) {
      const runs = [];
      for (const seed of patternSeeds) {
        runs.push({ where: `seed ${seed}`, checks: await checkInputSide(buildPattern(pattern, size, seed), mode, options) });
      }
      table[pattern][mode] = summariseErrors(runs);
    }
  }
  return table;
}

/** History budget of the 'auto+hc' rows: small enough that 20 turns are summarised a few times. */
const HISTORY_BUDGET = 3000;
const pct = (value: number, digits = 2) => `${(value * 100).toFixed(digits)}%`;

/** `npm run bench estimate`; BENCH_SEEDS=1,2,3 picks the seeds of the random patterns, BENCH_TTLS=auto,5m,1h the TTL settings. */
export async function run(): Promise<void> {
  const seeds = (process.env['BENCH_SEEDS'] ?? '1,2,3,4,5').split(',').map(Number);
  const ttls = (process.env['BENCH_TTLS'] ?? 'auto,5m,1h').split(',') as CacheTtlSetting[];
  const settings: Array<{ label: string; options: CheckOptions }> = [
    ...ttls.map((ttl) => ({ label: ttl, options: { cacheTtl: ttl } })),
    { label: 'auto+hc', options: { cacheTtl: 'auto', historyBudgetTokens: HISTORY_BUDGET } },
  ];
  const started = Date.now();
  console.log(
    `input side: estimate.usd.input vs billed input, ${MODEL}, ${ISSUE_SIZE.turns} turns, system ${ISSUE_SIZE.systemTokens} + context ${ISSUE_SIZE.contextTokens} tokens; mixed/edit over seeds ${seeds.join(',')}`,
  );
  console.log(`(auto+hc: 'auto' with the history summarised past ${HISTORY_BUDGET} tokens, so some turns are re-planned after a summary)`);
  console.log(
    `${'setting'.padEnd(9)}${'pattern'.padEnd(14)}${'mode'.padEnd(9)}${'turns'.padStart(6)}${'exact'.padStart(6)}  ${'worst turn'.padEnd(28)}${'mean |err|'.padStart(11)}${'within 1%'.padStart(11)}`,
  );
  for (const { label, options } of settings) {
    const table = await measureInputSide(ISSUE_SIZE, seeds, options);
    for (const pattern of BILL_PATTERNS) {
      for (const mode of ['exact', 'offline'] as const) {
        const row = table[pattern][mode];
        const worst = `${row.worstError >= 0 ? '+' : ''}${pct(row.worstError, 3)} (turn ${row.worstTurn}, ${row.worstWhere})`;
        console.log(
          `${label.padEnd(9)}${pattern.padEnd(14)}${mode.padEnd(9)}${String(row.turns).padStart(6)}${String(row.exactTurns).padStart(6)}  ${worst.padEnd(28)}${pct(row.meanAbsError, 3).padStart(11)}${pct(row.within1, 1).padStart(11)}`,
        );
      }
    }
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const replayStarted = Date.now();
  const users = Number(process.env['BENCH_USERS'] ?? 3);
  const turns = Number(process.env['BENCH_REPLAY_TURNS'] ?? 400);
  const replay = async (medianFactor?: number) => {
    const rows: CoverageRow[] = [];
    for (let seed = 1; seed <= users; seed++)
      rows.push(...(await replayAnswers({ seed, turns, ...(medianFactor ? { medianFactor } : {}) })));
    return summariseCoverage(rows);
  };
  const cell = (c: CoverageCell) => (c.turns === 0 ? '-' : `${pct(c.inRange / c.turns, 1)} of ${c.turns}`).padStart(18);
  const header = `${''.padEnd(13)}${'prior phase'.padStart(18)}${'learned phase'.padStart(18)}${'all'.padStart(18)}`;
  const line = (label: string, row: { prior: CoverageCell; history: CoverageCell; all: CoverageCell }) =>
    console.log(`${label.padEnd(13)}${cell(row.prior)}${cell(row.history)}${cell(row.all)}`);
  console.log(
    `\noutput range: share of turns whose billed output fell in [low, high] shown before sending (a 20th-80th percentile range: nominal 60%)`,
  );
  console.log(`replay of ${users} synthetic users x ${turns} turns, per-class medians near the priors (x exp(0.35 z)):`);
  console.log(header);
  for (const row of await replay()) line(row.taskClass, row);
  for (const factor of [0.4, 2.5]) {
    console.log(`users unlike the priors: every median x ${factor}`);
    line('overall', (await replay(factor)).at(-1)!);
  }
  console.log(`(${((Date.now() - replayStarted) / 1000).toFixed(1)} s)`);
}
