import { InputError } from '../errors.js';
import { priceUsage, roundUsd, type Usage } from '../prices/cost.js';
import { resolveModel, type PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import { formatUsd } from '../format.js';
import { classifyLocally, squash, THRESHOLDS, type Classification } from './classify.js';
import type { RouterConfig } from './config.js';
import { type ClassifierCost, type RouteDecision, type RouteInput, type TaskClass } from './types.js';
import { ROUTED_TIERS, tierLabel, tierRank, type RoutedTier } from '../tiers.js';

/** 'model' mode: a cheap model names the tier. The chat engine injects the real API call. */
export type ModelClassifier = (prompt: string) => Promise<{ tier: RoutedTier; usage: Usage }>;

export interface ModelModeOptions {
  classify?: ModelClassifier;
  /** Request date (YYYY-MM-DD, UTC) for pricing the classifier call. */
  date: string;
  /** Give up on the classifier model after this long (default 2 s). */
  timeoutMs?: number;
}

export const MODEL_CLASSIFIER_TIMEOUT_MS = 2000;

const CHARS_PER_TOKEN_CEILING = 3;
/** Transforms answer with about as many tokens as they were given. */
const OUTPUT_SCALES_WITH_INPUT: ReadonlySet<TaskClass> = new Set(['transform', 'annotate', 'extract']);

/** Routes one request locally (no network): workspace rules first, then the classifier, then the allow-list. */
export function routePrompt(input: RouteInput, config: RouterConfig, priceTable: PriceTable): RouteDecision {
  const classification = classifyLocally(input);
  const rule = config.rules.find((candidate) => candidate.matches(input.prompt));
  if (rule) {
    const reasons = [`workspace rule '${rule.name}' → ${rule.tier} (the classifier alone would pick ${classification.tier})`];
    return finish(input, config, priceTable, { ...classification, score: scoreForTier(rule.tier) }, rule.tier, reasons, {
      ruleApplied: rule.name,
    });
  }
  return finish(input, config, priceTable, classification, classification.tier, classification.reasons, {});
}

/**
 * Routes with the classifier model in 'model' mode (its cost priced into the decision), falling
 * back to the local classifier on any error or after the timeout. In 'local' mode, or when no
 * classifier is injected, this is routePrompt.
 */
export async function routePromptAsync(
  input: RouteInput,
  config: RouterConfig,
  priceTable: PriceTable,
  options: ModelModeOptions,
): Promise<RouteDecision> {
  if (config.mode !== 'model' || !options.classify) return routePrompt(input, config, priceTable);
  const local = routePrompt(input, config, priceTable);
  if (local.ruleApplied) return { ...local, reasons: [...local.reasons, 'classifier model not asked: a workspace rule decided'] };

  const classifierModel = resolveModel(priceTable, config.classifierModel);
  const timeoutMs = options.timeoutMs ?? MODEL_CLASSIFIER_TIMEOUT_MS;
  let answer: { tier: RoutedTier; usage: Usage };
  try {
    answer = await withTimeout(options.classify(input.prompt), timeoutMs);
    if (!(ROUTED_TIERS as readonly string[]).includes(answer.tier)) throw new Error(`answered "${String(answer.tier)}", not a tier`);
  } catch (error) {
    const why = error instanceof TimeoutError ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message;
    return { ...local, reasons: [`classifier model failed (${why}): used the local classifier`, ...local.reasons] };
  }
  const usd = roundUsd(priceUsage(priceTable, classifierModel, answer.usage, { date: options.date }).total);
  const classifierCost: ClassifierCost = { model: classifierModel.id, usage: answer.usage, usd };
  const classification = classifyLocally(input);
  const agreement = answer.tier === classification.tier ? 'agrees' : `would pick ${classification.tier}`;
  const reasons = [
    `classifier model ${classifierModel.id} chose ${answer.tier} (cost ${formatUsd(usd)}); the local classifier ${agreement}`,
  ];
  return finish(input, config, priceTable, { ...classification, score: scoreForTier(answer.tier) }, answer.tier, reasons, {
    classifierCost,
  });
}

function finish(
  input: RouteInput,
  config: RouterConfig,
  priceTable: PriceTable,
  classification: Classification,
  wanted: RoutedTier,
  reasons: string[],
  extra: Pick<RouteDecision, 'ruleApplied' | 'classifierCost'>,
): RouteDecision {
  const allowed = pickAllowed(wanted, config, priceTable);
  const model = allowed.model;
  const decision: RouteDecision = {
    tier: allowed.tier,
    model: model.id,
    score: classification.score,
    reasons: allowed.reason ? [...reasons, allowed.reason] : [...reasons],
    maxTokens: maxTokensFor(classification.taskClass, input.prompt, config, model),
    taskClass: classification.taskClass,
    ...(extra.ruleApplied !== undefined ? { ruleApplied: extra.ruleApplied } : {}),
    ...(extra.classifierCost ? { classifierCost: extra.classifierCost } : {}),
  };
  return decision;
}

/** The wanted tier's model if the allow-list permits it, else the nearest allowed tier upward (then downward). */
function pickAllowed(
  wanted: RoutedTier,
  config: RouterConfig,
  priceTable: PriceTable,
): { tier: RoutedTier; model: ModelInfo; reason?: string } {
  checkModelNames(config, priceTable);
  const modelFor = (tier: RoutedTier) => allowedModelForTier(tier, config, priceTable);
  const first = modelFor(wanted);
  if (first) return { tier: wanted, model: first };
  const start = tierRank(wanted);
  const upward = ROUTED_TIERS.slice(start + 1);
  const downward = ROUTED_TIERS.slice(0, start).reverse();
  for (const [tiers, direction] of [
    [upward, 'next allowed tier up'],
    [downward, 'no higher tier is allowed'],
  ] as const) {
    for (const tier of tiers) {
      const model = modelFor(tier);
      if (model) {
        return {
          tier,
          model,
          reason: `${config.models[wanted]} is not in the allow-list: using ${tierLabel(tier)} (${model.id}; ${direction})`,
        };
      }
    }
  }
  throw new InputError(
    `router allow-list (${(config.allowList ?? []).join(', ')}) names no model the router can use for haiku, sonnet or opus`,
  );
}

/** Every model the config names must be in the price table, whichever tier this prompt needs. */
function checkModelNames(config: RouterConfig, priceTable: PriceTable): void {
  const named = [
    ...ROUTED_TIERS.map((tier) => [`models.${tier}`, config.models[tier]] as const),
    ...(config.allowList ?? []).map((name, i) => [`allowList[${i}]`, name] as const),
  ];
  for (const [field, name] of named) {
    try {
      resolveModel(priceTable, name);
    } catch (error) {
      throw new InputError(`router config ${field}: ${(error as Error).message}`);
    }
  }
}

/** The tier's configured model if allowed; otherwise an allowed model of that tier from the price table. */
function allowedModelForTier(tier: RoutedTier, config: RouterConfig, priceTable: PriceTable): ModelInfo | undefined {
  const configured = resolveModel(priceTable, config.models[tier]);
  if (!config.allowList) return configured;
  const allowed = config.allowList.map((name) => resolveModel(priceTable, name));
  return allowed.find((model) => model.id === configured.id) ?? allowed.find((model) => model.tier === tier);
}

function maxTokensFor(taskClass: TaskClass, prompt: string, config: RouterConfig, model: ModelInfo): number {
  const configured = config.maxTokens[taskClass];
  // A ceiling, not a price: ~3 characters per token errs high and costs no tokenizer pass on a 20k paste.
  const scaled = OUTPUT_SCALES_WITH_INPUT.has(taskClass) ? Math.ceil(prompt.length / CHARS_PER_TOKEN_CEILING) : 0;
  return Math.min(model.maxOutput, Math.max(configured, scaled));
}

/** A score inside the tier's band, for tiers set by a rule or the classifier model. */
function scoreForTier(tier: RoutedTier): number {
  return squash(tier === 'haiku' ? THRESHOLDS.haikuBelow - 1 : tier === 'opus' ? THRESHOLDS.opusFrom + 0.5 : 1);
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
