// Everything decided before a request leaves: the loop guard, opt-in routing and caching, and the
// hard budget. The body is parsed only when one of them needs it (a long prompt takes time to parse,
// and time to first byte is what the gateway must not cost); otherwise the client's bytes go as they are.
import type { PriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo } from '../core/prices/schema.js';
import { estimateTextTokens } from '../core/tokens/estimator.js';
import type { Admission, BudgetGate } from './budgetGate.js';
import { placeCacheBreakpoints } from './cachePlacement.js';
import type { GatewayPolicy } from './policy.js';
import { findToolLoop, loopMessage } from './loopGuard.js';
import { pricedModel } from './recorder.js';
import { estimatePromptTokens, lastUserText, parseBody, type Json } from './requestBody.js';
import { AUTO_MODEL, type GatewayRouter } from './routing.js';

export interface PrepareInput {
  endpoint: 'messages' | 'count_tokens';
  raw: Buffer;
  policy: GatewayPolicy;
  workspacePath: string;
  startedAt: number;
  /** Anthropic's exact count of this (possibly rewritten) body's prompt, or null. */
  exactPromptTokens: (body: Json) => Promise<number | null>;
}

export interface Prepared {
  refused: null;
  /** The bytes to send: the client's own unless something the user opted in to changed them. */
  send: Buffer;
  reasons: string[];
  /** Tally's router chose the model. */
  routed: boolean;
  /** The model asked for (after routing), read from the body when needed. */
  requestedModel: () => string | null;
  /** Tally's estimate of the prompt's tokens, on the model asked for. */
  estimatePrompt: () => number;
  model: () => ModelInfo;
  /** Frees the budget reservation: call once the ledger entry is written, or when nothing was sent. */
  release: () => void;
}

export interface Refused {
  refused: { status: number; type: string; message: string };
}

export interface PrepareDeps {
  table: PriceTable;
  router: GatewayRouter;
  gate: BudgetGate;
}

export async function prepareRequest(deps: PrepareDeps, input: PrepareInput): Promise<Prepared | Refused> {
  const { endpoint, raw, policy } = input;
  const hasBudget = policy.budget.dailyUsd !== null || policy.budget.monthlyUsd !== null;
  // Cheap byte scans say whether anything below can apply; only then is the body parsed up front.
  const guarding = endpoint === 'messages' && policy.loopGuardRepeats !== null && raw.includes('"tool_result"');
  const needed = hasBudget || guarding || policy.routing.byRules || policy.placeCache || raw.includes(AUTO_MODEL);
  let parsed: Json | null | undefined = needed ? parseBody(raw) : undefined;
  const body = () => (parsed === undefined ? (parsed = parseBody(raw)) : parsed);
  const model = () => {
    const asked = body()?.['model'];
    return pricedModel(deps.table, typeof asked === 'string' ? asked : null).model;
  };
  let promptTokens: number | undefined;
  const estimatePrompt = () => {
    const parsedBody = body();
    return (promptTokens ??= parsedBody ? estimatePromptTokens(parsedBody, model().family) : 0);
  };
  const reasons: string[] = [];
  let changed = false;
  let routed = false;
  let admission: Extract<Admission, { ok: true }> | null = null;
  const refuse = (message: string): Refused => ({ refused: { status: 400, type: 'invalid_request_error', message } });

  const json = needed ? body() : null;
  if (json) {
    if (guarding) {
      const loop = findToolLoop(json, policy.loopGuardRepeats!);
      if (loop) return refuse(loopMessage(loop));
    }
    const route = deps.router.route(
      json,
      policy.routing,
      () => Math.max(0, estimatePrompt() - estimateTextTokens(lastUserText(json), model().family)),
      endpoint === 'count_tokens',
    );
    if (route) {
      changed = routed = true;
      reasons.push(...route.reasons);
      promptTokens = undefined; // counted again on the routed model's tokenizer
    }
    if (endpoint === 'messages' && policy.placeCache) {
      const placed = placeCacheBreakpoints(json, model());
      if (placed) {
        changed = true;
        reasons.push(placed);
      }
    }
    const maxTokens = json['max_tokens'];
    if (hasBudget && endpoint === 'messages' && typeof maxTokens === 'number' && Number.isSafeInteger(maxTokens) && maxTokens > 0) {
      const thinking = json['thinking'] as Json | undefined;
      const thinkingBudget = typeof thinking?.['budget_tokens'] === 'number' ? thinking['budget_tokens'] : null;
      const decision = await deps.gate.admit({
        workspacePath: input.workspacePath,
        model: model(),
        promptTokens: estimatePrompt,
        exactPromptTokens: () => input.exactPromptTokens(json),
        maxTokens,
        thinkingBudget,
        at: input.startedAt,
      });
      if (!decision.ok) return refuse(decision.message);
      admission = decision;
      if (decision.maxTokens !== maxTokens) {
        json['max_tokens'] = decision.maxTokens;
        if (thinking && decision.thinkingBudget !== thinkingBudget) thinking['budget_tokens'] = decision.thinkingBudget;
        changed = true;
        if (decision.note) reasons.push(decision.note);
      }
    }
  }
  return {
    refused: null,
    send: changed && json ? Buffer.from(JSON.stringify(json)) : raw,
    reasons,
    routed,
    requestedModel: () => {
      const asked = body()?.['model'];
      return typeof asked === 'string' ? asked : null;
    },
    estimatePrompt,
    model,
    release: () => admission?.release(),
  };
}
