import { checkBudget } from '../../core/budget/index.js';
import { wallClock } from '../../core/dates.js';
import type { BudgetLevel, BudgetView } from '../../protocol/dashboard.js';

// Pure budget arithmetic shared by the status bar and the dashboard. Days and months are the user's
// local ones (the ledger's time zone), the same calendar the ledger and every budget use.

export interface BudgetSettings {
  dailyUsd: number | null;
  monthlyUsd: number | null;
  warnAt: number;
}

const DAY_MS = 86_400_000;

export function daysInUtcMonth(nowMs: number): number {
  const now = new Date(nowMs);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
}

/**
 * Month-end spend if the rest of the month goes at the month-to-date average daily rate
 * (`nowMs` on the local wall clock, see wallClock).
 * The elapsed time counts at least one day so the first hours of a month do not extrapolate
 * a single request into hundreds of dollars.
 */
export function forecastMonthEnd(monthUsd: number, nowMs: number): number {
  const now = new Date(nowMs);
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const elapsedDays = (nowMs - monthStart) / DAY_MS;
  const remainingDays = Math.max(0, daysInUtcMonth(nowMs) - elapsedDays);
  const dailyRate = monthUsd / Math.max(1, elapsedDays);
  return monthUsd + dailyRate * remainingDays;
}

/**
 * The same rule the chat engine applies before sending (core checkBudget with nothing more to
 * send): past a limit is "exceeded", at the warning level "warning".
 */
export function budgetLevel(todayUsd: number, monthUsd: number, budget: BudgetSettings): BudgetLevel {
  if (budget.dailyUsd === null && budget.monthlyUsd === null) return 'none';
  const decision = checkBudget({
    budget: { ...budget, confirmAboveUsd: null },
    spentTodayUsd: todayUsd,
    spentMonthUsd: monthUsd,
    estimateUsd: 0,
  });
  return decision.action === 'refuse' ? 'exceeded' : decision.action === 'warn' ? 'warning' : 'ok';
}

export function budgetView(todayUsd: number, monthUsd: number, budget: BudgetSettings, nowMs: number, timeZone = 'UTC'): BudgetView {
  const local = wallClock(nowMs, timeZone);
  const lefts: number[] = [];
  if (budget.dailyUsd !== null) lefts.push(budget.dailyUsd - todayUsd);
  if (budget.monthlyUsd !== null) lefts.push(budget.monthlyUsd - monthUsd);
  const iso = new Date(local).toISOString();
  return {
    dailyUsd: budget.dailyUsd,
    monthlyUsd: budget.monthlyUsd,
    warnAt: budget.warnAt,
    todayUsd,
    monthUsd,
    forecastMonthUsd: forecastMonthEnd(monthUsd, local),
    leftUsd: lefts.length === 0 ? null : Math.max(0, Math.min(...lefts)),
    level: budgetLevel(todayUsd, monthUsd, budget),
    month: iso.slice(0, 7),
    dayOfMonth: new Date(local).getUTCDate(),
    daysInMonth: daysInUtcMonth(local),
  };
}
