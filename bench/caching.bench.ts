// Prompt caching: share of the uncached input cost each TTL placement bills, per usage pattern,
// measured against the fake Anthropic server (its clock and Tally's driven together, so seeded think
// times are exact). `npm run bench -- caching`.
import { ChatEngine, type ChatRouter } from '../src/core/chat/engine.js';
import { Conversation } from '../src/core/chat/conversation.js';
import type { ChatScript } from '../src/core/chat/script.js';
import { createMessagesClient } from '../src/core/anthropic/client.js';
import { CACHE_TTL_SETTINGS, type CacheTtlSetting } from '../src/core/cache/ttl.js';
import { priceTokens, splitUsage, utcDate } from '../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../src/core/prices/priceTable.js';
import { emptyTotals, type SpendTotals } from '../src/core/ledger/index.js';
import { estimateTextTokens } from '../src/core/tokens/estimator.js';
import { startFakeAnthropic } from '../src/simulator/server.js';

export const PATTERNS = ['back-to-back', 'mixed', 'single', 'edit'] as const;
export type Pattern = (typeof PATTERNS)[number];

export interface PatternSize {
  turns: number;
  systemTokens: number;
  contextFiles: number;
  contextTokens: number;
  userTokens: number;
  replyTokens: number;
}

/** Issue 4's conversation: 20 turns on claude-sonnet-5-5, 6,000-token system prompt, 20,000 tokens of files. */
export const ISSUE_SIZE: PatternSize = {
  turns: 20,
  systemTokens: 6000,
  contextFiles: 5,
  contextTokens: 20_000,
  userTokens: 50,
  replyTokens: 300,
};
export const MODEL = 'claude-sonnet-5-5';

/** Where the fake clock (the server's and Tally's) starts, and how long each answer streams on it. */
export const START_MS = Date.parse('2026-11-20T09:00:00Z');
export const ANSWER_MS = 10_000;

/** Seeded think times: 0-30 min, median 2.5 min (log-normal, clipped). */
export function mixedThinkSeconds(seed: number, count: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => Math.min(30 * 60, Math.max(0, 150 * Math.exp(1.4 * standardNormal(random)))));
}

/** A standard normal draw from two uniform ones (Box-Muller). */
export function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function buildPattern(pattern: Pattern, size: PatternSize, seed: number): ChatScript {
  const family = resolveModel(bundledPriceTable(), MODEL).family;
  const fileTokens = Math.floor(size.contextTokens / size.contextFiles);
  const context = Array.from({ length: size.contextFiles }, (_, i) => ({
    path: `src/module${i}.ts`,
    text: textOfTokens(`module${i}`, fileTokens, family),
  }));
  const turnCount = pattern === 'single' ? 1 : size.turns;
  const pauses = pattern === 'mixed' || pattern === 'edit' ? mixedThinkSeconds(seed, turnCount) : Array<number>(turnCount).fill(0);
  const editAt = new Set([Math.floor(turnCount / 2), Math.floor((turnCount * 3) / 4)]);
  const turns = Array.from({ length: turnCount }, (_, i) => ({
    user: `${textOfTokens(`question ${i + 1} seed ${seed}`, size.userTokens, family)} [[tokens:${size.replyTokens}]]`,
    model: MODEL,
    pauseSeconds: i === 0 ? 0 : pauses[i]!,
    context:
      pattern === 'edit' && editAt.has(i) ? [{ path: 'src/module1.ts', text: textOfTokens(`module1 edit ${i}`, fileTokens, family) }] : [],
  }));
  return { system: textOfTokens('system', size.systemTokens, family), context, turns };
}

export interface PatternRun {
  /** Input as billed / input at the plain input rate. */
  share: number;
  usd: number;
  uncachedUsd: number;
  turns: number;
}

const stubRouter: ChatRouter = {
  route: () => ({ tier: 'sonnet', model: MODEL, score: 0.5, reasons: ['fixed for the simulation'], maxTokens: 4096, taskClass: 'explain' }),
  chooseWithCache: ({ decision }) => ({ model: decision.model, tier: decision.tier, reasons: decision.reasons }),
};

/** A ledger's spend with nothing in it (for an engine whose ledger only takes entries). */
export const noSpend: SpendTotals = { date: '', today: emptyTotals(), thisMonth: emptyTotals(), problems: { count: 0, examples: [] } };

/** Runs `script` with one TTL setting against a fresh fake whose clock is the engine's. */
export async function runPattern(script: ChatScript, setting: CacheTtlSetting, options: { router?: ChatRouter } = {}): Promise<PatternRun> {
  let now = START_MS;
  const clock = () => now;
  const fake = await startFakeAnthropic({ clock });
  try {
    const table = bundledPriceTable();
    const engine = new ChatEngine({
      client: createMessagesClient({ apiKey: 'sk-bench', baseUrl: fake.url, maxRetries: 0 }),
      priceTable: table,
      ledger: { append: () => ({ written: true }), spend: () => noSpend },
      router: options.router ?? stubRouter,
      workspace: { path: '/bench', name: 'bench' },
      clock,
      cacheTtl: setting,
      compression: null,
    });
    const conversation = new Conversation('bench', script.system, script.context);
    let billed = 0;
    let plain = 0;
    let usd = 0;
    let uncachedUsd = 0;
    for (const turn of script.turns) {
      now += turn.pauseSeconds * 1000;
      const result = await engine.sendTurn(conversation, { user: turn.user, model: turn.model, context: turn.context });
      if (result.status !== 'ok' || !result.usage) throw new Error(`turn ${result.turn}: ${result.status} ${result.error?.message ?? ''}`);
      const model = resolveModel(table, result.model);
      const split = splitUsage(result.usage);
      const date = utcDate(now);
      billed += priceTokens(table, model, { ...split, output: 0 }, { date }).total;
      const prompt = split.input + split.cacheRead + split.cacheWrite5m + split.cacheWrite1h;
      plain += priceTokens(table, model, { input: prompt, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0 }, { date }).total;
      usd += result.usd;
      uncachedUsd += result.uncachedUsd;
      now += ANSWER_MS; // the answer streams for a while
    }
    return { share: billed / plain, usd, uncachedUsd, turns: script.turns.length };
  } finally {
    await fake.close();
  }
}

/** Shares per pattern and setting: the mean over seeds (one seed suffices for the deterministic patterns) and each seed's. */
export async function measurePatterns(
  size: PatternSize,
  seeds: readonly number[],
  settings: readonly CacheTtlSetting[] = CACHE_TTL_SETTINGS,
): Promise<Record<Pattern, Record<string, number>> & { perSeed: Record<Pattern, Record<string, number[]>> }> {
  const table = { perSeed: {} } as Record<Pattern, Record<string, number>> & { perSeed: Record<Pattern, Record<string, number[]>> };
  for (const pattern of PATTERNS) {
    table[pattern] = {};
    table.perSeed[pattern] = {};
    const patternSeeds = pattern === 'mixed' || pattern === 'edit' ? seeds : seeds.slice(0, 1);
    for (const setting of settings) {
      const shares: number[] = [];
      for (const seed of patternSeeds) shares.push((await runPattern(buildPattern(pattern, size, seed), setting)).share);
      table[pattern][setting] = shares.reduce((sum, share) => sum + share, 0) / shares.length;
      table.perSeed[pattern][setting] = shares;
    }
  }
  return table;
}

/** `npm run bench -- caching`; BENCH_SEEDS=1,2,3 picks the seeds of the think-time patterns. */
export async function run(): Promise<void> {
  const seeds = (process.env['BENCH_SEEDS'] ?? '1,2,3,4,5,6,7,8').split(',').map(Number);
  const started = Date.now();
  const table = await measurePatterns(ISSUE_SIZE, seeds);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`.padStart(8);
  console.log(
    `share of uncached input cost, ${MODEL}, ${ISSUE_SIZE.turns} turns, system ${ISSUE_SIZE.systemTokens} + context ${ISSUE_SIZE.contextTokens} tokens; mixed/edit averaged over ${seeds.length} seeds`,
  );
  console.log(`${'pattern'.padEnd(14)}${CACHE_TTL_SETTINGS.map((s) => s.padStart(8)).join('')}   auto vs best fixed`);
  for (const pattern of PATTERNS) {
    const row = table[pattern];
    const best = Math.min(...CACHE_TTL_SETTINGS.filter((s) => s !== 'auto').map((s) => row[s]!));
    const auto = row['auto']!;
    console.log(
      `${pattern.padEnd(14)}${CACHE_TTL_SETTINGS.map((s) => percent(row[s]!)).join('')}   ${((auto / best - 1) * 100).toFixed(1)}% relative, ${((auto - best) * 100).toFixed(1)} points`,
    );
  }
  for (const pattern of ['mixed', 'edit'] as const) {
    const per = table.perSeed[pattern];
    console.log(
      `${pattern} per seed: auto ${per['auto']!.map((x) => (x * 100).toFixed(1)).join(' ')} | 1h ${per['1h']!.map((x) => (x * 100).toFixed(1)).join(' ')}`,
    );
  }
  const thinks = mixedThinkSeconds(1, 2000)
    .map((s) => s / 60)
    .sort((a, b) => a - b);
  console.log(
    `mixed think time: median ${thinks[1000]!.toFixed(2)} min, ${((thinks.filter((m) => m > 5).length / thinks.length) * 100).toFixed(0)}% over 5 min, max ${thinks.at(-1)!.toFixed(1)} min`,
  );
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Text of about `tokens` tokens by the estimator, distinct per `seed` so prefixes differ. */
function textOfTokens(seed: string, tokens: number, family: ReturnType<typeof resolveModel>['family']): string {
  const words = ['const', 'value', 'return', 'async', 'function', 'cache', 'ledger', 'budget', 'router', 'stream', 'token', 'model'];
  const random = mulberry32(hash(seed));
  let text = `${seed}:`;
  // Grow in chunks, then trim to the target.
  while (estimateTextTokens(text, family) < tokens) {
    let chunk = '';
    for (let i = 0; i < 50; i++) chunk += ` ${words[Math.floor(random() * words.length)]}${Math.floor(random() * 100)}`;
    text += chunk;
  }
  while (estimateTextTokens(text, family) > tokens) text = text.slice(0, -1);
  return text;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
