import { formatUsd } from '../../core/format.js';
import type { SpendTotals } from '../../core/ledger/index.js';
import type { BudgetLevel, BudgetView } from '../../protocol/dashboard.js';

// Pure text for the spend status bar item, so what the user reads is unit-tested. Amounts use
// the budgets' format (cents, sub-cent amounts with their significant digits).

/** The icon carries the budget state too, so it shows where colours do not (high-contrast themes). */
export function statusText(spend: SpendTotals, level: BudgetLevel = 'none'): string {
  const icon = level === 'exceeded' ? '$(error)' : level === 'warning' ? '$(warning)' : '$(graph)';
  return `${icon} ${formatUsd(spend.today.usd)} today`;
}

/** "$0.42 of $1.00 (42%)", or the amount alone without a limit. */
export function ofLimit(spent: number, limit: number | null): string {
  if (limit === null) return formatUsd(spent);
  const percent = limit > 0 ? Math.round((spent / limit) * 100) : 100;
  return `${formatUsd(spent)} of ${formatUsd(limit)} (${percent}%)`;
}

/** Markdown for the tooltip: today, this month, budget left, forecast, savings, and the click hint. */
export function statusTooltipMarkdown(workspaceName: string, spend: SpendTotals, budget: BudgetView, notice?: string): string {
  const month = spend.thisMonth;
  const rows: Array<[string, string]> = [
    ['Today', ofLimit(spend.today.usd, budget.dailyUsd)],
    ['This month', ofLimit(month.usd, budget.monthlyUsd)],
    ['Budget left', budget.leftUsd === null ? 'no budget set' : formatUsd(budget.leftUsd)],
    ['Month-end forecast', formatUsd(budget.forecastMonthUsd)],
    ['Saved by caching (month)', formatUsd(month.cacheSavingsUsd)],
    ['Saved by routing (month)', formatUsd(month.routingSavingsUsd)],
    ['Requests (month)', String(month.requests)],
  ];
  const warning =
    budget.level === 'exceeded'
      ? '\n\n$(error) Budget reached: new requests are refused unless you choose to send anyway.'
      : budget.level === 'warning'
        ? `\n\n$(warning) Past ${Math.round(budget.warnAt * 100)}% of a budget.`
        : '';
  const skipped = spend.problems.count > 0 ? `\n\n${spend.problems.count} unreadable ledger line(s) skipped.` : '';
  return (
    [
      `**Tally spend — ${escapeMarkdown(workspaceName)}**`,
      '',
      ...(notice ? [`$(beaker) ${escapeMarkdown(notice)}`, ''] : []),
      '| | |',
      '|:--|--:|',
      ...rows.map(([label, value]) => `| ${label} | ${value} |`),
    ].join('\n') + `${warning}${skipped}\n\nClick to show spend in the Tally side bar.`
  );
}

/** What a screen reader says for the item (no icon syntax, full words). */
export function statusAccessibilityLabel(spend: SpendTotals, budget: BudgetView): string {
  const parts = [`Tally: ${formatUsd(spend.today.usd)} spent today in this workspace`];
  if (budget.level === 'exceeded') parts.push('budget reached');
  else if (budget.level === 'warning') parts.push(`past ${Math.round(budget.warnAt * 100)} percent of budget`);
  if (budget.leftUsd !== null) parts.push(`${formatUsd(budget.leftUsd)} left`);
  return parts.join(', ') + '. Show spend in the Tally side bar.';
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
