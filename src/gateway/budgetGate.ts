// The hard budget for gateway traffic: core's reservations (shared by every process on the ledger),
// fed with the request's worst case. As the chat engine does, the prompt is bounded by twice Tally's
// estimate, and when that leaves too little room Anthropic's exact count (count_tokens is free)
// replaces the margin, so a request close to the limit is judged exactly.
import {
  PROMPT_ESTIMATE_MARGIN,
  worstCaseOf,
  type Budget,
  type BudgetDecision,
  type BudgetGuard,
  type Hold,
} from '../core/budget/index.js';
import { formatUsd } from '../core/format.js';
import { priceScenario, priorRange, requestSplit } from '../core/estimate/index.js';
import { utcDate } from '../core/prices/cost.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo } from '../core/prices/schema.js';

export interface SpendRequest {
  workspacePath: string;
  model: ModelInfo;
  /** Tally's estimate of the prompt's tokens; asked only when a budget applies (counting a long prompt takes time). */
  promptTokens: () => number;
  /** Anthropic's exact count of the prompt, or null when it cannot be had. */
  exactPromptTokens: () => Promise<number | null>;
  /** max_tokens as the client asked for it. */
  maxTokens: number;
  /** thinking.budget_tokens when extended thinking is on (max_tokens must stay above it). */
  thinkingBudget: number | null;
  /** Epoch ms: the day and month the spend counts against. */
  at: number;
}

export type Admission =
  | {
      ok: true;
      /** max_tokens to send: the client's, or lower so that its worst case fits what the budget has left. */
      maxTokens: number;
      thinkingBudget: number | null;
      /** Why the request was changed (for the ledger's reasons), or null. */
      note: string | null;
      /** Call once the request's ledger entry is written (or nothing was sent): frees the reservation. */
      release(): void;
    }
  | { ok: false; message: string };

export interface BudgetGate {
  admit(request: SpendRequest): Promise<Admission>;
}

/** The API's least thinking budget; thinking needs max_tokens above it. */
const MIN_THINKING_BUDGET = 1024;

export function createBudgetGate(guard: BudgetGuard, table: PriceTable, budgetFor: (workspacePath: string) => Budget): BudgetGate {
  return {
    async admit(request) {
      const budget = budgetFor(request.workspacePath);
      const unchanged = {
        ok: true as const,
        maxTokens: request.maxTokens,
        thinkingBudget: request.thinkingBudget,
        note: null,
        release: () => {},
      };
      if (budget.dailyUsd === null && budget.monthlyUsd === null) return unchanged;

      const date = utcDate(request.at);
      // `promptTokens` is the estimate the user is shown; `bound` the most the prompt can be.
      const attempt = (promptTokens: number, bound: number): Hold => {
        const output = Math.min(request.maxTokens, priorRange(undefined).typical);
        const split = requestSplit({ read: 0, write5m: 0, write1h: 0, uncached: promptTokens, output });
        const estimateUsd = priceScenario(table, request.model, split, date).usd.total;
        return guard.hold({
          workspace: request.workspacePath,
          budget,
          worst: worstCaseOf(request.model, date, bound, request.maxTokens, estimateUsd),
        });
      };
      const estimated = request.promptTokens();
      let hold = attempt(estimated, Math.ceil(estimated * PROMPT_ESTIMATE_MARGIN));
      if (!hold.granted || hold.maxTokens < request.maxTokens) {
        if (hold.granted) hold.release();
        const exact = await request.exactPromptTokens();
        hold = exact === null ? attempt(estimated, Math.ceil(estimated * PROMPT_ESTIMATE_MARGIN)) : attempt(exact, exact);
      }
      if (!hold.granted) return { ok: false, message: refusal(hold.decision, budget) };

      const maxTokens = hold.maxTokens;
      let thinkingBudget = request.thinkingBudget;
      if (thinkingBudget !== null && thinkingBudget >= maxTokens) {
        // Extended thinking needs max_tokens above its budget: halve the thinking, or refuse if even that cannot be.
        if (Math.floor(maxTokens / 2) < MIN_THINKING_BUDGET) {
          hold.release();
          return {
            ok: false,
            message: refusal(
              {
                ...hold.decision,
                message: `only ${maxTokens} output tokens fit, too few for extended thinking (at least ${MIN_THINKING_BUDGET + 1})`,
              },
              budget,
            ),
          };
        }
        thinkingBudget = Math.floor(maxTokens / 2);
      }
      const changed = maxTokens < request.maxTokens;
      return {
        ok: true,
        maxTokens,
        thinkingBudget,
        note: changed
          ? `budget: max_tokens lowered from ${request.maxTokens} to ${maxTokens}${thinkingBudget !== request.thinkingBudget ? ` (thinking budget ${thinkingBudget})` : ''}, what the budget left can pay for`
          : null,
        release: hold.release,
      };
    },
  };
}

/** "Tally: daily budget of $5.00 reached, so this request was not sent: …", as the API's error message. */
function refusal(decision: BudgetDecision, budget: Budget): string {
  const limit = decision.limit === 'monthly' ? 'monthly' : 'daily';
  const cap = limit === 'monthly' ? budget.monthlyUsd : budget.dailyUsd;
  const detail = decision.message.replace(/; send anyway to override$/, '');
  const until = limit === 'monthly' ? 'next month' : 'tomorrow';
  return `Tally: ${limit} budget of ${formatUsd(cap ?? 0)} reached, so this request was not sent: ${detail}. Raise the budget or wait until ${until}.`;
}
