import * as v from 'valibot';
import { BudgetRefusedError } from '../errors.js';
import { formatUsd } from '../format.js';
import { roundUsd } from '../prices/cost.js';
import { parseOrThrow } from '../validation.js';

const optionalUsd = v.optional(v.nullable(v.pipe(v.number('must be a number of USD'), v.minValue(0, 'must not be negative'))), null);

/** A workspace's budget. Every limit is optional (null = none). */
export const BudgetSchema = v.object({
  dailyUsd: optionalUsd,
  monthlyUsd: optionalUsd,
  /** Share of a budget at which to warn, 0-1. */
  warnAt: v.optional(
    v.pipe(v.number('must be a number'), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
    0.8,
  ),
  /** Ask before sending any single request estimated above this. */
  confirmAboveUsd: optionalUsd,
});

export type Budget = v.InferOutput<typeof BudgetSchema>;

/** Validates a budget from settings or flags; errors name the source and field. */
export function parseBudget(input: unknown, sourceName = 'budget'): Budget {
  return parseOrThrow(BudgetSchema, input, sourceName);
}

export type BudgetAction = 'allow' | 'warn' | 'confirm' | 'refuse';

export interface BudgetCheckInput {
  budget: Budget;
  /** This workspace's spend today and this month, read from the ledger at check time (not cached). */
  spentTodayUsd: number;
  spentMonthUsd: number;
  /** The request's estimate before sending. */
  estimateUsd: number;
  /** The user chose "send anyway": refusals and confirmations become warnings. */
  override?: boolean;
}

export interface BudgetDecision {
  action: BudgetAction;
  /** One line for the user; empty when there is nothing to say. */
  message: string;
  /** What is left after this request (null without that budget; negative when over). */
  dailyLeftUsd: number | null;
  monthlyLeftUsd: number | null;
  /** The limit that decided a refusal, confirmation or warning. */
  limit?: 'daily' | 'monthly' | 'confirm';
}

/**
 * Decides whether a request may be sent. Order: a budget the request would exceed refuses;
 * an estimate above the confirmation threshold asks; reaching the warning level warns.
 * Because the spend is read fresh from the shared ledger at check time, several processes
 * spending at once overspend by at most the requests each has in flight.
 */
export function checkBudget(input: BudgetCheckInput): BudgetDecision {
  const { budget, spentTodayUsd, spentMonthUsd, estimateUsd } = input;
  const windows = [
    { limit: 'daily' as const, cap: budget.dailyUsd, spent: spentTodayUsd },
    { limit: 'monthly' as const, cap: budget.monthlyUsd, spent: spentMonthUsd },
  ];
  const left = (cap: number | null, spent: number) => (cap === null ? null : roundUsd(cap - spent - estimateUsd));
  const base = { dailyLeftUsd: left(budget.dailyUsd, spentTodayUsd), monthlyLeftUsd: left(budget.monthlyUsd, spentMonthUsd) };
  const overridden = (decision: BudgetDecision): BudgetDecision =>
    input.override
      ? { ...decision, action: 'warn', message: `${decision.message.replace(/; send anyway to override$/, '')} (sent anyway)` }
      : decision;

  for (const { limit, cap, spent } of windows) {
    if (cap !== null && spent + estimateUsd > cap) {
      return overridden({
        ...base,
        action: 'refuse',
        limit,
        message:
          spent >= cap
            ? `${limit} budget ${formatUsd(cap)} reached (${formatUsd(spent)} spent; this request ~${formatUsd(estimateUsd)}); send anyway to override`
            : `this request would exceed the ${limit} budget ${formatUsd(cap)} (${formatUsd(spent)} spent + ~${formatUsd(estimateUsd)} this request); send anyway to override`,
      });
    }
  }
  if (budget.confirmAboveUsd !== null && estimateUsd > budget.confirmAboveUsd) {
    return overridden({
      ...base,
      action: 'confirm',
      limit: 'confirm',
      message: `this prompt will cost about ${formatUsd(estimateUsd)}, above your ${formatUsd(budget.confirmAboveUsd)} confirmation threshold`,
    });
  }
  for (const { limit, cap, spent } of windows) {
    if (cap !== null && cap > 0 && spent + estimateUsd >= budget.warnAt * cap) {
      const after = spent + estimateUsd;
      return {
        ...base,
        action: 'warn',
        limit,
        message: `${limit} budget ${Math.round((after / cap) * 100)}% used after this request (${formatUsd(after)} of ${formatUsd(cap)})`,
      };
    }
  }
  return { ...base, action: 'allow', message: '' };
}

/** The error the CLI and engine throw for a refusal (exit code 3). */
export function budgetRefusal(decision: BudgetDecision): BudgetRefusedError {
  return new BudgetRefusedError(decision.message);
}
