import { priceTokens, type CostBreakdown, type TokenSplit } from './prices/cost.js';
import type { PriceTable } from './prices/priceTable.js';
import type { ModelInfo } from './prices/schema.js';
import { estimateTextTokens, messageFrameTokens } from './tokens/estimator.js';

export interface ContextFile {
  path: string;
  text: string;
}

export interface PriorTurn {
  role: 'user' | 'assistant';
  text: string;
}

/** Everything a request to the Messages API would carry. */
export interface EstimateRequest {
  system?: string;
  context?: ContextFile[];
  turns?: PriorTurn[];
  message: string;
  /** Expected answer length; priced at the output rate. */
  outputTokens: number;
  cacheTtl?: '5m' | '1h';
}

export interface Scenario {
  tokens: TokenSplit;
  usd: CostBreakdown;
}

export interface ModelEstimate {
  model: string;
  tier: ModelInfo['tier'];
  family: ModelInfo['family'];
  /** Prompt tokens: system, context, history, message and the message frame. */
  inputTokens: number;
  /** Tokens before the new message (system + context + history): what a warm cache can hold. */
  prefixTokens: number;
  outputTokens: number;
  /** Whether the prompt reaches the model's minimum cacheable length. */
  cacheable: boolean;
  /** Cold cache: the prompt is written to the cache on its way through. */
  firstSend: Scenario;
  /** Warm cache: the prefix is read from cache, only the new message is written. */
  warmResend: Scenario;
  /** No cache_control at all. */
  noCache: Scenario;
}

/** A typical chat answer, when the caller does not know the length: priced so a figure is the cost of a turn. */
export const TYPICAL_ANSWER_TOKENS = 500;

/** Approximate tokens each message adds for its role wrapper, beyond its text. */
const PER_MESSAGE_TOKENS = 4;

export function requestTokenParts(request: EstimateRequest, model: ModelInfo): { prefix: number; message: number } {
  const family = model.family;
  const context = (request.context ?? []).reduce((sum, file) => sum + estimateTextTokens(contextBlockText(file), family), 0);
  const history = (request.turns ?? []).reduce((sum, turn) => sum + PER_MESSAGE_TOKENS + estimateTextTokens(turn.text, family), 0);
  const system = request.system ? estimateTextTokens(request.system, family) : 0;
  return {
    prefix: messageFrameTokens(family) + system + context + history,
    message: estimateTextTokens(request.message, family),
  };
}

/** How an attached file is presented to the model (and so what it costs). */
export function contextBlockText(file: ContextFile): string {
  return `<file path="${file.path}">\n${file.text}\n</file>`;
}

export function estimateForModel(table: PriceTable, model: ModelInfo, request: EstimateRequest, date: string): ModelEstimate {
  const { prefix, message } = requestTokenParts(request, model);
  const inputTokens = prefix + message;
  const output = request.outputTokens;
  const cacheable = inputTokens >= model.minCacheableTokens;
  const write = (tokens: number) =>
    request.cacheTtl === '1h' ? { cacheWrite5m: 0, cacheWrite1h: tokens } : { cacheWrite5m: tokens, cacheWrite1h: 0 };
  const scenario = (split: TokenSplit): Scenario => ({ tokens: split, usd: priceTokens(table, model, split, { date }) });
  const noCache = scenario({ input: inputTokens, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output });
  const firstSend = cacheable ? scenario({ input: 0, ...write(inputTokens), cacheRead: 0, output }) : noCache;
  const prefixWarm = prefix >= model.minCacheableTokens;
  const warmResend = !cacheable ? noCache : prefixWarm ? scenario({ input: 0, ...write(message), cacheRead: prefix, output }) : firstSend;
  return {
    model: model.id,
    tier: model.tier,
    family: model.family,
    inputTokens,
    prefixTokens: prefix,
    outputTokens: output,
    cacheable,
    firstSend,
    warmResend,
    noCache,
  };
}

export function estimateRequest(table: PriceTable, models: readonly ModelInfo[], request: EstimateRequest, date: string): ModelEstimate[] {
  return models.map((model) => estimateForModel(table, model, request, date));
}
