// The answer-length range shown before sending, replayed: how often the billed output falls in it.
//
// What this replay is: synthetic "recorded turns" of one user, fed in order through the chat engine
// against the fake (whose `[[tokens:N]]` sets the billed output), so the engine's own estimate
// shows each range and then learns the answer, as it does in use. Answer lengths per task class
// are log-normal (a common fit for LLM answer lengths: positive, right-skewed): each simulated user
// has, per class, a median that is the prior's times a personal factor (exp(0.35 z): about 0.5x to
// 2x between users) and a spread that is the prior's times exp(0.25 z). The prior's own spread comes
// from its 20th and 80th percentiles. max_tokens (the router's per class) cuts long answers.
//
// What it is not: recorded turns of real users. It says whether the learning works (per task class
// and model, window, fallback to the prior) and how far off the prior is for a user unlike it; it
// cannot say whether real answer lengths are log-normal, independent of the question, or stable.
import { Conversation } from '../src/core/chat/conversation.js';
import { ChatEngine, type ChatRouter } from '../src/core/chat/engine.js';
import { createMessagesClient } from '../src/core/anthropic/client.js';
import { answerLengthsFrom, priorRange } from '../src/core/estimate/index.js';
import { bundledPriceTable } from '../src/core/prices/priceTable.js';
import { defaultRouterConfig, TASK_CLASSES, type TaskClass } from '../src/core/router/index.js';
import type { RoutedTier } from '../src/core/tiers.js';
import { startFakeAnthropic } from '../src/simulator/server.js';
import { ANSWER_MS, mulberry32, noSpend, standardNormal, START_MS } from './caching.bench.js';

/** How often each task class is asked (weights), and the tier it goes to. */
const MIX: Record<TaskClass, { weight: number; tier: RoutedTier }> = {
  classify: { weight: 3, tier: 'haiku' },
  lookup: { weight: 8, tier: 'haiku' },
  naming: { weight: 4, tier: 'haiku' },
  summary: { weight: 6, tier: 'sonnet' },
  extract: { weight: 5, tier: 'sonnet' },
  transform: { weight: 8, tier: 'sonnet' },
  annotate: { weight: 4, tier: 'sonnet' },
  explain: { weight: 18, tier: 'sonnet' },
  debug: { weight: 14, tier: 'sonnet' },
  write: { weight: 12, tier: 'sonnet' },
  review: { weight: 8, tier: 'sonnet' },
  design: { weight: 5, tier: 'opus' },
  investigate: { weight: 5, tier: 'opus' },
};
/** z of the 80th percentile of a standard normal. */
const Z80 = 0.8416;

/** One replayed turn: the range shown before sending and what was billed. */
export interface CoverageRow {
  taskClass: TaskClass;
  source: 'history' | 'prior';
  low: number;
  high: number;
  billed: number;
}

/** A user's answer lengths: per task class, a log-normal around a personal median (the prior's times `factor`, else a random factor). */
function userAnswers(random: () => number, factor?: number): Record<TaskClass, () => number> {
  const draw = {} as Record<TaskClass, () => number>;
  for (const taskClass of TASK_CLASSES) {
    const prior = priorRange(taskClass);
    const median = prior.typical * (factor ?? Math.exp(0.35 * standardNormal(random)));
    const sigma = (Math.log(prior.high / prior.low) / (2 * Z80)) * Math.exp(0.25 * standardNormal(random));
    draw[taskClass] = () => Math.max(1, Math.round(median * Math.exp(sigma * standardNormal(random))));
  }
  return draw;
}

function pickClass(random: () => number): TaskClass {
  const total = TASK_CLASSES.reduce((sum, taskClass) => sum + MIX[taskClass].weight, 0);
  let left = random() * total;
  for (const taskClass of TASK_CLASSES) {
    left -= MIX[taskClass].weight;
    if (left < 0) return taskClass;
  }
  return 'explain';
}

/**
 * Replays `turns` turns of the user `seed` (conversations of 1 to 6 turns) through a ChatEngine
 * as createChatStack builds it for a new ledger (answers learned from nothing), with a router that
 * returns each recorded turn's task class and tier, and its per-class max_tokens.
 */
export async function replayAnswers(options: { seed: number; turns: number; medianFactor?: number }): Promise<CoverageRow[]> {
  const random = mulberry32(options.seed * 7919);
  const lengths = userAnswers(random, options.medianFactor);
  let now = START_MS;
  const clock = () => now;
  const fake = await startFakeAnthropic({ clock });
  try {
    let next: TaskClass = 'explain';
    const router: ChatRouter = {
      route: () => {
        const tier = MIX[next].tier;
        const model = defaultRouterConfig.models[tier];
        return { tier, model, score: 0.5, reasons: ['replayed'], maxTokens: defaultRouterConfig.maxTokens[next], taskClass: next };
      },
      chooseWithCache: ({ decision }) => ({ model: decision.model, tier: decision.tier, reasons: decision.reasons }),
    };
    const engine = new ChatEngine({
      client: createMessagesClient({ apiKey: 'sk-bench', baseUrl: fake.url, maxRetries: 0 }),
      priceTable: bundledPriceTable(),
      ledger: { append: () => ({ written: true }), spend: () => noSpend },
      answers: answerLengthsFrom([]),
      router,
      workspace: { path: '/replay', name: 'replay' },
      clock,
      cacheTtl: 'auto',
    });
    const rows: CoverageRow[] = [];
    let conversation: Conversation | null = null;
    let left = 0;
    for (let i = 0; i < options.turns; i++) {
      if (left === 0) {
        conversation = new Conversation(`replay-${options.seed}-${i}`, 'You are a helpful coding assistant.');
        left = 1 + Math.floor(random() * 6);
      }
      left--;
      next = pickClass(random);
      const answer = lengths[next]();
      const result = await engine.sendTurn(conversation!, { user: `question ${i} (${next}) [[tokens:${answer}]]` });
      if (result.status !== 'ok' || !result.usage) throw new Error(`replay turn ${i}: ${result.status}`);
      const { low, high, source } = result.estimate.output;
      rows.push({ taskClass: next, source, low, high, billed: result.usage.output_tokens });
      now += ANSWER_MS + 60_000;
    }
    return rows;
  } finally {
    await fake.close();
  }
}

export interface CoverageCell {
  turns: number;
  inRange: number;
}

/** Per task class (and 'overall'): turns with billed output in [low, high], by where the range came from. */
export function summariseCoverage(
  rows: readonly CoverageRow[],
): Array<{ taskClass: string; prior: CoverageCell; history: CoverageCell; all: CoverageCell }> {
  const line = (taskClass: string, subset: readonly CoverageRow[]) => {
    const cell = (of: readonly CoverageRow[]) => ({
      turns: of.length,
      inRange: of.filter((r) => r.billed >= r.low && r.billed <= r.high).length,
    });
    return {
      taskClass,
      prior: cell(subset.filter((r) => r.source === 'prior')),
      history: cell(subset.filter((r) => r.source === 'history')),
      all: cell(subset),
    };
  };
  return [
    ...TASK_CLASSES.map((taskClass) =>
      line(
        taskClass,
        rows.filter((r) => r.taskClass === taskClass),
      ),
    ),
    line('overall', rows),
  ];
}
