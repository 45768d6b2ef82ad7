import { planBreakpoints, type Breakpoint, type PromptLayout } from '../cache/planner.js';
import { CacheModel, type CachePrediction } from '../cache/state.js';
import { chooseTtls, type CacheTtlSetting, type TtlChoice } from '../cache/ttl.js';
import { rateCardFor, utcDate } from '../prices/cost.js';
import type { PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import type { TaskClass } from '../router/types.js';
import { calibrateLayout } from './calibrate.js';
import type { AnswerLengths, OutputRange } from './output.js';
import { priceScenario, requestSplit, type Scenario } from './scenario.js';

/** The request exactly as it will be sent: model, blocks in order (with token counts), max_tokens. */
export interface RequestShape {
  model: ModelInfo;
  layout: PromptLayout;
  maxTokens: number;
  /** The conversation's first question: 'auto' never pays the 1-hour premium for what may be a lone question. */
  firstQuestion: boolean;
  /** What the router says the prompt asks for: sets the answer-length range. */
  taskClass?: TaskClass;
}

/** What the engine knows when it sends: what is warm, how the user pauses, how long their answers run. */
export interface EstimateContext {
  table: PriceTable;
  cache: CacheModel;
  ttl: CacheTtlSetting;
  thinkTimesMs: readonly number[];
  nowMs: number;
  answers: AnswerLengths;
  /** Anthropic's count_tokens for this exact request, when known: the input side then equals the bill. */
  exactInputTokens?: number | null;
  /** Exact cumulative counts at some block indexes (prefixes that breakpoints end at), with the total. */
  exactPrefixTokens?: ReadonlyMap<number, number>;
}

export interface RequestEstimate {
  model: ModelInfo;
  /** When it was made: the rates in force then price it. */
  nowMs: number;
  /** Whether the prompt's size is Anthropic's count (true) or Tally's offline estimate. */
  exact: boolean;
  inputTokens: number;
  /** Tokens before the new message (system, context, history): what a warm cache can hold. */
  prefixTokens: number;
  /** The plan the request is sent with, on the layout as counted (exact when known). */
  layout: PromptLayout;
  ttl: TtlChoice;
  breakpoints: Breakpoint[];
  prediction: CachePrediction;
  output: OutputRange & { worst: number };
  /** As it will be billed now, given what is warm, with a typical answer. */
  next: Scenario;
  /** Nothing warm: the prompt is written to the cache on its way through. */
  firstSend: Scenario;
  /** The prefix warm: read from cache, only the new message written. */
  warmResend: Scenario;
  /** No cache_control at all. */
  noCache: Scenario;
  /** `next` in dollars: its input side, and in all with a short, typical, long and max_tokens answer. */
  usd: { input: number; low: number; typical: number; high: number; worst: number };
}

const EMPTY_CACHE = new CacheModel();

/**
 * Tally's one estimate of a request. The CLI, the status bar, the chat draft, the engine before it
 * sends, the router's cache-aware choice, the gateway and VS Code's chat provider all price through
 * it, so the figure shown before sending is the figure the engine plans and the bill follows.
 */
export function estimateRequest(shape: RequestShape, context: EstimateContext): RequestEstimate {
  const { model } = shape;
  const date = utcDate(context.nowMs);
  const exact = context.exactInputTokens !== undefined && context.exactInputTokens !== null;
  const layout = exact
    ? calibrateLayout(shape.layout, context.exactInputTokens!, context.exactPrefixTokens)
    : onWarmPrefix(shape.layout, context.cache, model.id, context.nowMs);
  const inputTokens = layout.cumulativeTokens.at(-1) ?? 0;
  const prefixTokens = layout.cumulativeTokens.at(-2) ?? 0;
  const ttl = chooseTtl(shape, layout, context, date);
  const breakpoints = planBreakpoints(layout, {
    minCacheableTokens: model.minCacheableTokens,
    ttl,
    warmIndexes: context.cache.warmIndexes(model.id, layout, context.nowMs),
  });
  const prediction = context.cache.predict(model.id, layout, breakpoints, context.nowMs);
  const range = context.answers.rangeFor(shape.taskClass, model.id);
  const cap = (tokens: number) => Math.min(tokens, shape.maxTokens);
  const output = { ...range, low: cap(range.low), typical: cap(range.typical), high: cap(range.high), worst: shape.maxTokens };

  const fromPrediction = (p: CachePrediction, outputTokens: number) =>
    priceScenario(
      context.table,
      model,
      requestSplit({
        read: p.readTokens,
        write5m: p.write5mTokens,
        write1h: p.write1hTokens,
        uncached: p.uncachedTokens,
        output: outputTokens,
      }),
      date,
    );
  const next = fromPrediction(prediction, output.typical);
  const firstSend = fromPrediction(EMPTY_CACHE.predict(model.id, layout, breakpoints, context.nowMs), output.typical);
  const noCache = priceScenario(
    context.table,
    model,
    requestSplit({ read: 0, write5m: 0, write1h: 0, uncached: inputTokens, output: output.typical }),
    date,
  );
  const warmResend = warmResendScenario(shape, layout, ttl, context, output.typical, firstSend, noCache);
  const totalWith = (outputTokens: number) => fromPrediction(prediction, outputTokens).usd.total;
  return {
    model,
    nowMs: context.nowMs,
    exact,
    inputTokens,
    prefixTokens,
    layout,
    ttl,
    breakpoints,
    prediction,
    output,
    next,
    firstSend,
    warmResend,
    noCache,
    usd: {
      input: next.usd.total - next.usd.output,
      low: totalWith(output.low),
      typical: next.usd.total,
      high: totalWith(output.high),
      worst: totalWith(output.worst),
    },
  };
}

/**
 * Offline, the size of the longest warm prefix is still known (from the usage of the request that
 * wrote it): what follows it is estimated on top of that size. Otherwise the read is the server's
 * count and the total Tally's estimate, so the estimate's error on the whole prompt (a few percent
 * of 30,000 tokens) lands on the few hundred tokens written: warm turns came out about 30% low.
 */
function onWarmPrefix(layout: PromptLayout, cache: CacheModel, model: string, nowMs: number): PromptLayout {
  const warm = cache.longestWarmPrefix(model, layout, nowMs);
  if (!warm) return layout;
  const shift = warm.tokens - layout.cumulativeTokens[warm.index]!;
  if (shift === 0) return layout;
  return calibrateLayout(layout, (layout.cumulativeTokens.at(-1) ?? 0) + shift, new Map([[warm.index, warm.tokens]]));
}

/** The same request again with everything before the new message warm: the prefix read, the message written. */
function warmResendScenario(
  shape: RequestShape,
  layout: PromptLayout,
  ttl: TtlChoice,
  context: EstimateContext,
  outputTokens: number,
  firstSend: Scenario,
  noCache: Scenario,
): Scenario {
  const total = layout.cumulativeTokens.at(-1) ?? 0;
  const prefix = layout.cumulativeTokens.at(-2) ?? 0;
  if (total < shape.model.minCacheableTokens) return noCache;
  if (prefix < shape.model.minCacheableTokens) return firstSend;
  const message = total - prefix;
  const split = requestSplit({
    read: prefix,
    write5m: ttl.turn === '5m' ? message : 0,
    write1h: ttl.turn === '1h' ? message : 0,
    uncached: 0,
    output: outputTokens,
  });
  return priceScenario(context.table, shape.model, split, utcDate(context.nowMs));
}

/** The TTL setting applied to this request: 'auto' weighs what a plain 5-minute plan would read and write. */
function chooseTtl(shape: RequestShape, layout: PromptLayout, context: EstimateContext, date: string): TtlChoice {
  const { model } = shape;
  const probe = planBreakpoints(layout, { minCacheableTokens: model.minCacheableTokens, ttl: { prefix: '5m', turn: '5m', reason: '' } });
  const predicted = context.cache.predict(model.id, layout, probe, context.nowMs);
  const prefixEnd = probe.find((bp) => bp.label === 'prefix')?.prefixTokens ?? 0;
  return chooseTtls({
    setting: context.ttl,
    thinkTimesMs: context.thinkTimesMs,
    coldPrefix: predicted.readTokens < prefixEnd,
    firstQuestion: shape.firstQuestion,
    writeTokens: predicted.write5mTokens + predicted.write1hTokens,
    protectedTokens: probe.at(-1)?.prefixTokens ?? 0,
    rates: rateCardFor(model, date, layout.cumulativeTokens.at(-1) ?? 0),
  });
}
