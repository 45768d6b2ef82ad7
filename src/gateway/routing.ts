// Opt-in routing: a request for the model `tally-auto` (or, when the user turned it on, one whose
// question matches a workspace routing rule) goes to the tier Tally's router picks. An agent's
// steps on the same question stay on the model chosen for it, so its prompt cache stays warm.
import { createHash } from 'node:crypto';
import { resolveModel, type PriceTable } from '../core/prices/priceTable.js';
import { routePrompt, type RouterConfig } from '../core/router/index.js';
import type { RoutedTier } from '../core/tiers.js';
import { contentBlocks, lastUserText, messagesOf, type Json } from './requestBody.js';

/** The model name that asks the gateway to route. */
export const AUTO_MODEL = 'tally-auto';

export interface RoutingPolicy {
  config: RouterConfig;
  /** Route requests for any model whose question matches a workspace rule (off by default). */
  byRules: boolean;
}

export interface Routed {
  model: string;
  reasons: string[];
}

const REMEMBERED_QUESTIONS = 2000;

export class GatewayRouter {
  /** Question key → decision; conversation key → its last tier. Oldest forgotten first. */
  private readonly byQuestion = new Map<string, Routed & { tier: RoutedTier; maxTokens: number }>();
  private readonly byConversation = new Map<string, RoutedTier>();

  constructor(private readonly table: PriceTable) {}

  /**
   * Rewrites body.model when routing applies; for /v1/messages also max_tokens where it is missing
   * or more than the new model gives (count_tokens takes no max_tokens).
   */
  route(body: Json, policy: RoutingPolicy, contextTokens: () => number, countOnly = false): Routed | null {
    const asked = typeof body['model'] === 'string' ? body['model'] : '';
    const auto = asked === AUTO_MODEL;
    const prompt = lastUserText(body);
    if (!auto && !(policy.byRules && policy.config.rules.some((rule) => rule.matches(prompt)))) return null;

    const conversation = conversationKey(body);
    const question = hash(`${conversation}\0${prompt}`);
    let routed = this.byQuestion.get(question);
    if (routed) {
      routed = {
        ...routed,
        reasons: [...routed.reasons, `same question as the previous request (an agent step): stays on ${routed.model}`],
      };
    } else {
      const previousTier = this.byConversation.get(conversation);
      const decision = routePrompt(
        {
          prompt,
          contextTokens: contextTokens(),
          conversationTurns: messagesOf(body).filter((m) => m.role === 'user').length - 1,
          ...(previousTier ? { previousTier } : {}),
        },
        policy.config,
        this.table,
      );
      const how = auto ? `${AUTO_MODEL} routed` : `routing rule matched (asked for ${asked})`;
      routed = {
        model: decision.model,
        tier: decision.tier,
        maxTokens: decision.maxTokens,
        reasons: [`${how} to ${decision.tier}: ${decision.reasons.join('; ')}`],
      };
      remember(this.byQuestion, question, routed);
      remember(this.byConversation, conversation, decision.tier);
    }
    body['model'] = routed.model;
    if (countOnly) return { model: routed.model, reasons: routed.reasons };
    if (body['max_tokens'] === undefined) body['max_tokens'] = routed.maxTokens;
    const model = resolveModel(this.table, routed.model);
    if (typeof body['max_tokens'] === 'number' && body['max_tokens'] > model.maxOutput) {
      routed.reasons.push(`max_tokens ${body['max_tokens']} lowered to ${model.maxOutput}, the most ${model.id} gives`);
      body['max_tokens'] = model.maxOutput;
    }
    return { model: routed.model, reasons: routed.reasons };
  }
}

/** A conversation is known by its system prompt and first message, which every later request repeats. */
function conversationKey(body: Json): string {
  const first = messagesOf(body)[0];
  const firstText = first ? JSON.stringify(contentBlocks(first.content)) : '';
  return hash(`${JSON.stringify(body['system'] ?? '')}\0${firstText}`);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED_QUESTIONS) map.delete(map.keys().next().value!);
}
