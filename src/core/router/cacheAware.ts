import { formatTokens, formatUsd } from '../format.js';
import { priceScenario, requestSplit } from '../estimate/scenario.js';
import { roundUsd, utcDate } from '../prices/cost.js';
import { resolveModel, type PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import { type RouteDecision } from './types.js';
import { tierLabel, tierRank, type RoutedTier } from '../tiers.js';

/** A prompt prefix cached on one model (Anthropic caches per model) until `expiresAtMs`. */
export interface WarmCache {
  model: string;
  prefixTokens: number;
  expiresAtMs: number;
}

export interface CacheChoiceInput {
  decision: Pick<RouteDecision, 'tier' | 'model'>;
  warmCaches: readonly WarmCache[];
  nowMs: number;
  /** The conversation so far (system, history) that this turn re-sends. */
  prefixTokens: number;
  /** New input this turn. */
  newTokens: number;
  /** Turns expected from here, this one included (at least 1). */
  expectedTurns: number;
  outputTokens: number;
  priceTable: PriceTable;
  /** Rate period date (YYYY-MM-DD, UTC); defaults to the UTC date of nowMs. */
  date?: string;
  /** The router's allow-list (ids or aliases): a warm model outside it is never a candidate. Absent = any model. */
  allowedModels?: readonly string[];
}

export interface CacheChoice {
  model: string;
  tier: RoutedTier | 'frontier';
  reasons: string[];
  /** Expected cost of the next `expectedTurns` turns on each candidate, in USD. */
  expectedUsd: Record<string, number>;
}

/**
 * Picks the model for the next turn from the cache state: never below the classifier's tier;
 * up when the prompt needs it; down only when the saving over the expected turns beats writing
 * the prefix again on the cheaper model; otherwise it stays where the cache is warm.
 */
export function chooseModelWithCache(input: CacheChoiceInput): CacheChoice {
  const { decision, priceTable, nowMs } = input;
  const date = input.date ?? utcDate(nowMs);
  const wanted = resolveModel(priceTable, decision.model);
  const allowed = input.allowedModels ? new Set(input.allowedModels.map((name) => resolveModel(priceTable, name).id)) : undefined;
  const live = input.warmCaches
    .filter((cache) => cache.expiresAtMs > nowMs)
    .map((cache) => ({ cache, model: resolveModel(priceTable, cache.model) }));
  // Stickiness never leaves the allow-list: a warm cache on a model outside it counts as cold.
  const warm = live.filter(({ model }) => !allowed || allowed.has(model.id));
  const outside = [...new Set(live.filter(({ model }) => allowed && !allowed.has(model.id)).map(({ model }) => model.id))];
  const current = [...warm].sort((a, b) => b.cache.expiresAtMs - a.cache.expiresAtMs)[0];

  const candidates = new Map<string, ModelInfo>([[wanted.id, wanted]]);
  for (const { model } of warm) if (tierRank(model.tier) >= tierRank(decision.tier)) candidates.set(model.id, model);
  const expectedUsd: Record<string, number> = {};
  for (const model of candidates.values()) {
    const cached = warm.find((w) => w.model.id === model.id)?.cache.prefixTokens ?? 0;
    expectedUsd[model.id] = expectedCost(model, Math.min(cached, input.prefixTokens), input, date);
  }
  // Cheapest wins; on a tie keep the warm model, then the classifier's choice.
  const order = [current?.model.id, wanted.id].filter((id): id is string => id !== undefined && candidates.has(id));
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const chosenId = [...candidates.keys()].sort((a, b) => expectedUsd[a]! - expectedUsd[b]! || rank(a) - rank(b))[0]!;
  const chosen = candidates.get(chosenId)!;
  const turns = `${Math.max(1, input.expectedTurns)} turn${input.expectedTurns > 1 ? 's' : ''}`;
  const prefix = `${formatTokens(input.prefixTokens)}-token prefix`;
  const name = (model: ModelInfo) => tierLabel(model.tier);

  let reasons: string[];
  if (!current) {
    reasons = [`no warm cache: using ${name(chosen)} (${chosen.id}) as classified`];
  } else if (tierRank(current.model.tier) < tierRank(decision.tier)) {
    reasons = [
      `escalating from ${name(current.model)} to ${name(chosen)}: the prompt needs ${decision.tier}, never sent below it`,
      warm.some((w) => w.model.id === chosen.id)
        ? `${chosen.id} still has a warm cache: ${formatUsd(expectedUsd[chosen.id]!)} over ${turns}`
        : `the warm ${name(current.model)} cache cannot be used; writing the ${prefix} on ${chosen.id} is part of ${formatUsd(expectedUsd[chosen.id]!)} over ${turns}`,
    ];
  } else if (chosen.id === current.model.id && chosen.id !== wanted.id) {
    const extra = roundUsd(expectedUsd[wanted.id]! - expectedUsd[chosen.id]!);
    reasons = [`staying on ${name(chosen)}: cache is warm, switching to ${name(wanted)} would cost ${formatUsd(extra)} more over ${turns}`];
  } else if (chosen.id === current.model.id) {
    reasons = [`staying on ${name(chosen)}: its cache is warm and it is the tier asked for`];
  } else {
    const saving = roundUsd(expectedUsd[current.model.id]! - expectedUsd[chosen.id]!);
    const movingDown = tierRank(chosen.tier) < tierRank(current.model.tier);
    reasons = [
      Number.isFinite(saving) && candidates.has(current.model.id)
        ? `${movingDown ? 'moving down' : 'moving'} to ${name(chosen)}: saves ${formatUsd(saving)} over ${turns} even after re-writing the ${prefix}`
        : `moving to ${name(chosen)} (${chosen.id}): cheapest over ${turns}`,
    ];
  }
  if (outside.length > 0) reasons.push(`warm cache on ${outside.join(', ')} not used: not in the allow-list`);
  return { model: chosen.id, tier: chosen.tier, reasons, expectedUsd };
}

/**
 * Cost of the next turns on one model. Each turn re-sends the conversation with a cache
 * breakpoint at its end: the cached part is read, the rest written; the answer joins the next prefix.
 */
function expectedCost(model: ModelInfo, cachedTokens: number, input: CacheChoiceInput, date: string): number {
  let total = 0;
  let cached = cachedTokens;
  for (let turn = 0; turn < Math.max(1, input.expectedTurns); turn++) {
    const prompt = input.prefixTokens + input.newTokens + turn * (input.newTokens + input.outputTokens);
    const split =
      prompt < model.minCacheableTokens
        ? requestSplit({ read: 0, write5m: 0, write1h: 0, uncached: prompt, output: input.outputTokens })
        : requestSplit({ read: cached, write5m: prompt - cached, write1h: 0, uncached: 0, output: input.outputTokens });
    total += priceScenario(input.priceTable, model, split, date).usd.total;
    cached = prompt;
  }
  return roundUsd(total);
}
