// The hard budget as the gateway applies it, behind a small interface so it can move to core's
// cross-process reservations (issue 8) without touching the proxy. This version reserves within
// this process: each admitted request holds its worst case until its ledger entry is written.
import { checkBudget, money, type Budget } from '../core/budget/index.js';
import type { Ledger } from '../core/ledger/index.js';
import { priceTokens, roundUsd, utcDate } from '../core/prices/cost.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo } from '../core/prices/schema.js';

export interface SpendRequest {
  workspacePath: string;
  model: ModelInfo;
  /** An upper estimate of the prompt's tokens. */
  promptTokens: number;
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
      /** max_tokens to send: the client's, or lower when only that much output fits the budget. */
      maxTokens: number;
      thinkingBudget: number | null;
      /** Why max_tokens was lowered (for the ledger's reasons), or null. */
      note: string | null;
      /** Call once the request's ledger entry is written (or nothing was sent): frees the reservation. */
      release(): void;
    }
  | { ok: false; message: string };

export interface BudgetGate {
  admit(request: SpendRequest): Admission;
}

/** Below this, a capped answer is too short to be worth sending: refuse instead. */
export const MIN_CAPPED_OUTPUT_TOKENS = 1024;
/** The API's least thinking budget. */
const MIN_THINKING_BUDGET = 1024;

const noBudget = (request: SpendRequest): Admission => ({
  ok: true,
  maxTokens: request.maxTokens,
  thinkingBudget: request.thinkingBudget,
  note: null,
  release: () => undefined,
});

/**
 * A request's worst case is every prompt token at the dearest input rate (a 1-hour cache write)
 * and every allowed output token. It is admitted when that fits what is left of each budget after
 * the ledger's spend and the requests in flight; otherwise max_tokens is lowered to what fits, and
 * when too little fits it is refused.
 */
export function createBudgetGate(
  ledger: Pick<Ledger, 'spend'>,
  table: PriceTable,
  budgetFor: (workspacePath: string) => Budget,
): BudgetGate {
  const inFlight = new Map<string, number>();

  return {
    admit(request) {
      const budget = budgetFor(request.workspacePath);
      if (budget.dailyUsd === null && budget.monthlyUsd === null) return noBudget(request);
      const date = utcDate(request.at);
      const spend = ledger.spend(request.workspacePath);
      const reserved = inFlight.get(request.workspacePath) ?? 0;
      const worst = (outputTokens: number) => worstCaseUsd(table, request.model, request.promptTokens, outputTokens, date);
      const fits = (usd: number) =>
        checkBudget({
          budget: { ...budget, confirmAboveUsd: null },
          spentTodayUsd: spend.today.usd + reserved,
          spentMonthUsd: spend.thisMonth.usd + reserved,
          estimateUsd: usd,
        }).action !== 'refuse';

      let maxTokens = request.maxTokens;
      let thinkingBudget = request.thinkingBudget;
      let note: string | null = null;
      if (!fits(worst(maxTokens))) {
        const left = Math.min(
          budget.dailyUsd === null ? Infinity : budget.dailyUsd - spend.today.usd - reserved,
          budget.monthlyUsd === null ? Infinity : budget.monthlyUsd - spend.thisMonth.usd - reserved,
        );
        const perOutputToken = worst(1_000_000) / 1_000_000 - worst(0) / 1_000_000;
        const affordable = Math.floor((left - worst(0)) / Math.max(perOutputToken, Number.MIN_VALUE));
        const capped = Math.min(maxTokens, affordable);
        const thinkingFits = thinkingBudget === null || thinkingBudget < capped || Math.floor(capped / 2) >= MIN_THINKING_BUDGET;
        if (capped < Math.min(MIN_CAPPED_OUTPUT_TOKENS, maxTokens) || !thinkingFits || !fits(worst(capped))) {
          return { ok: false, message: refusal(budget, spend.today.usd, spend.thisMonth.usd, reserved, worst(maxTokens)) };
        }
        if (thinkingBudget !== null && thinkingBudget >= capped) thinkingBudget = Math.floor(capped / 2);
        note = `budget: max_tokens lowered from ${maxTokens} to ${capped}, what the budget left can pay for`;
        maxTokens = capped;
      }
      const hold = worst(maxTokens);
      inFlight.set(request.workspacePath, reserved + hold);
      let released = false;
      return {
        ok: true,
        maxTokens,
        thinkingBudget,
        note,
        release: () => {
          if (released) return;
          released = true;
          const left = roundUsd((inFlight.get(request.workspacePath) ?? 0) - hold);
          if (left <= 0) inFlight.delete(request.workspacePath);
          else inFlight.set(request.workspacePath, left);
        },
      };
    },
  };
}

export function worstCaseUsd(table: PriceTable, model: ModelInfo, promptTokens: number, outputTokens: number, date: string): number {
  const asInput = priceTokens(
    table,
    model,
    { input: promptTokens, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: outputTokens },
    { date },
  );
  const asWrite = priceTokens(
    table,
    model,
    { input: 0, cacheWrite5m: 0, cacheWrite1h: promptTokens, cacheRead: 0, output: outputTokens },
    { date },
  );
  return Math.max(asInput.total, asWrite.total);
}

function refusal(budget: Budget, spentToday: number, spentMonth: number, reserved: number, worst: number): string {
  const daily = budget.dailyUsd !== null && spentToday + reserved + worst > budget.dailyUsd;
  const cap = daily ? budget.dailyUsd! : budget.monthlyUsd!;
  const spent = daily ? spentToday : spentMonth;
  const inFlight = reserved > 0 ? `, ${money(reserved)} held by requests in flight` : '';
  const window = daily ? 'today' : 'this month';
  return (
    `Tally: ${daily ? 'daily' : 'monthly'} budget of ${money(cap)} reached (${money(spent)} spent ${window}${inFlight}; ` +
    `this request could cost up to ${money(worst)}). Nothing was sent. Raise the budget or wait until ${daily ? 'tomorrow' : 'next month'} (UTC).`
  );
}
