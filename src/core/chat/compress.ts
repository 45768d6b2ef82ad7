import type { MessagesRequest } from '../anthropic/client.js';
import type { ChatTurn, Conversation } from './conversation.js';

export interface CompressionSettings {
  /** Once the history (summary + turns) passes this many tokens, the oldest turns are summarised. */
  historyBudgetTokens: number;
  /** Recent turns kept whole, by tokens (default: half the budget; at least the latest turn). */
  keepRecentTokens?: number;
  /** Longest summary, in output tokens. */
  summaryMaxTokens?: number;
}

export const DEFAULT_COMPRESSION: CompressionSettings = { historyBudgetTokens: 60_000 };

/**
 * The oldest turns to summarise, or none while the history fits its budget. Compressing well
 * below the budget (to half of it) means the cache-breaking rewrite happens rarely.
 */
export function turnsToCompress(conversation: Conversation, settings: CompressionSettings, tokensOf: (text: string) => number): ChatTurn[] {
  if (conversation.historyTokens(tokensOf) <= settings.historyBudgetTokens) return [];
  const keepBudget = settings.keepRecentTokens ?? Math.floor(settings.historyBudgetTokens / 2);
  const turns = conversation.completedTurns;
  let kept = 0;
  let keepFrom = turns.length;
  while (keepFrom > 0) {
    const turn = turns[keepFrom - 1]!;
    const tokens = tokensOf(turn.user) + tokensOf(turn.assistant);
    if (keepFrom < turns.length && kept + tokens > keepBudget) break;
    kept += tokens;
    keepFrom--;
  }
  return turns.slice(0, keepFrom);
}

const SUMMARY_SYSTEM =
  'You compress the earlier part of a conversation between a developer and an assistant. Write a faithful summary ' +
  'that keeps decisions, facts, code identifiers, file names, open questions and anything the assistant promised. ' +
  'No preamble; plain prose and short lists.';

/** The request that asks the cheap tier for a summary of `turns` (folding in any earlier summary). */
export function summaryRequest(conversation: Conversation, turns: readonly ChatTurn[], model: string, maxTokens: number): MessagesRequest {
  const earlier = conversation.summary ? `Summary of turns before these:\n${conversation.summary.text}\n\n` : '';
  const transcript = turns.map((turn) => `Turn ${turn.number}\nDeveloper: ${turn.user}\nAssistant: ${turn.assistant}`).join('\n\n');
  return {
    model,
    max_tokens: maxTokens,
    system: [{ type: 'text', text: SUMMARY_SYSTEM }],
    messages: [{ role: 'user', content: [{ type: 'text', text: `${earlier}Summarise this conversation so far:\n\n${transcript}` }] }],
  };
}
