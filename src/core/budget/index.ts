/**
 * Budgets: per-workspace daily and monthly USD limits, a warning level and a per-request
 * confirmation threshold. Before sending:
 *
 *   const spend = ledger.spend(workspace.path);   // fresh read of the shared ledger
 *   const decision = checkBudget({ budget, spentTodayUsd: spend.today.usd, spentMonthUsd: spend.thisMonth.usd, estimateUsd });
 *   if (decision.action === 'refuse' && !userOverrode) throw budgetRefusal(decision);
 *   if (decision.action === 'confirm') ask the user, showing decision.message;
 */
export { BudgetSchema, budgetRefusal, checkBudget, parseBudget } from './budget.js';
export type { Budget, BudgetAction, BudgetCheckInput, BudgetDecision } from './budget.js';
export { memoryBudgetGuard, MIN_USEFUL_OUTPUT_TOKENS, openBudgetGuard } from './reservations.js';
export type { BudgetGuard, Hold, HoldRequest, WorstCase } from './reservations.js';
export { addWorstCase, PROMPT_ESTIMATE_MARGIN, worstCaseOf } from './worstCase.js';
