import type { TurnResult } from '../../core/chat/engine.js';
import { formatUsd } from '../../core/format.js';
import { routedTierOf } from '../../core/tiers.js';
import type { Notice, Turn } from '../../protocol/chat.js';

/** Fills a shown turn from what the engine did: who answered and why, what it cost, what was summarised. */
export function applyResult(turn: Turn, result: TurnResult): void {
  turn.model = result.model;
  turn.tier = routedTierOf(result.tier as Parameters<typeof routedTierOf>[0]);
  turn.reasons = result.reasons;
  turn.estimateUsd = result.estimateUsd;
  if (result.trimmed) {
    const turns = result.trimmed.summary.turns;
    turn.trimmed = `Turns ${turns[0]}-${turns.at(-1)} were summarised by the cheap tier to keep the request small (summary cost ${formatUsd(result.trimmed.usd)}).`;
  }
  turn.answer = result.text || turn.answer;
  if (result.usage) {
    turn.usage = {
      inputTokens: result.usage.input_tokens,
      outputTokens: result.usage.output_tokens,
      cacheReadTokens: result.cacheReadTokens,
      cacheWriteTokens: result.cacheWriteTokens,
      usd: result.usd,
      savedUsd: result.savedUsd,
    };
  }
}

/** What the user must be told after a turn: budget warnings, a rejected key, and money recorded in an unusual way. */
export function noticesFor(result: TurnResult): Notice[] {
  const notices: Notice[] = [];
  if (result.budget.action === 'warn' && result.budget.message) {
    notices.push({ kind: 'warning', message: `Budget: ${result.budget.message}`, action: null });
  }
  if (result.usageProblem) {
    notices.push({
      kind: 'warning',
      message: `The API's usage report was not usable (${result.usageProblem}); Tally recorded its own estimate for this turn.`,
      action: null,
    });
  }
  if (result.ledgerProblem) notices.push({ kind: 'warning', message: `Spend not yet saved: ${result.ledgerProblem}`, action: null });
  if (result.status === 'error' && result.error?.status === 401) {
    notices.push({ kind: 'badKey', message: result.error.message, action: 'tally.setApiKey' });
  }
  return notices;
}
