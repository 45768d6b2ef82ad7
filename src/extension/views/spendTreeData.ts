import { wallClock } from '../../core/dates.js';
import { formatTokens, formatUsd } from '../../core/format.js';
import type { SummaryRow } from '../../core/ledger/index.js';
import type { BudgetView } from '../../protocol/dashboard.js';
import type { SpendBreakdown } from '../spend/spendHistory.js';
import type { SpendRow } from '../spend/spendRow.js';
import { ofLimit } from '../spend/statusBarText.js';

// Pure: the spend tree's nodes from what the ledger says (spendHistory.readSpendBreakdown) and the
// budget (budgetStatus.budgetView). spendTree.ts only turns them into TreeItems, so every label the
// user reads is unit-tested.

export interface SpendNode {
  /** Stable across refreshes, so VS Code keeps what the user expanded. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id. */
  icon?: string;
  /** A theme colour id for the icon (budget warnings). */
  iconColor?: string;
  command?: { command: string; title: string };
  children?: SpendNode[];
  /** Shown open the first time. */
  expanded?: boolean;
}

export interface SpendTreeInput {
  breakdown: SpendBreakdown;
  budget: BudgetView;
  timeZone: string;
  nowMs: number;
}

const requests = (n: number) => `${n} request${n === 1 ? '' : 's'}`;
const amount = (row: { usd: number; requests: number }) => `${formatUsd(row.usd)} · ${requests(row.requests)}`;

export function spendTreeNodes(input: SpendTreeInput): SpendNode[] {
  const { spend, byClient, byModel, recent, skippedLines } = input.breakdown;
  const month = spend.thisMonth;
  const nodes: SpendNode[] = [
    { id: 'today', label: 'Today', description: amount(spend.today), icon: 'calendar', tooltip: `Spent today (${spend.date})` },
    {
      id: 'month',
      label: 'This month',
      description: amount(month),
      icon: 'graph',
      children: [
        { id: 'month/forecast', label: 'Month-end forecast', description: formatUsd(input.budget.forecastMonthUsd) },
        { id: 'month/cache', label: 'Saved by caching', description: formatUsd(month.cacheSavingsUsd) },
        { id: 'month/routing', label: 'Saved by routing', description: formatUsd(month.routingSavingsUsd) },
      ],
    },
    budgetNode(input.budget),
    breakdownNode('clients', 'By client (this month)', 'person', byClient, (row) => row.label),
    breakdownNode('models', 'By model (this month)', 'symbol-class', byModel, (row) => row.label),
    {
      id: 'recent',
      label: 'Recent requests',
      icon: 'history',
      expanded: true,
      description: recent.length === 0 ? 'none yet' : undefined,
      children: [...recent].reverse().map((row, i) => recentNode(row, i, input)),
    },
  ];
  if (skippedLines > 0) {
    nodes.push({
      id: 'skipped',
      label: `${skippedLines} unreadable ledger line${skippedLines === 1 ? '' : 's'} skipped`,
      icon: 'warning',
      iconColor: 'list.warningForeground',
    });
  }
  nodes.push({
    id: 'dashboard',
    label: 'Open spend dashboard',
    description: 'charts',
    icon: 'graph-line',
    command: { command: 'tally.openDashboard', title: 'Open Spend Dashboard' },
  });
  return nodes;
}

function budgetNode(budget: BudgetView): SpendNode {
  const setBudget = { command: 'tally.setBudget', title: 'Set Budget' };
  if (budget.level === 'none') {
    return { id: 'budget', label: 'Budget', description: 'none set: click to set one', icon: 'dashboard', command: setBudget };
  }
  const limits: SpendNode[] = [];
  const limit = (id: string, label: string, used: number, max: number | null) => {
    if (max === null) return;
    limits.push({
      id: `budget/${id}`,
      label,
      description: `${ofLimit(used, max)} · ${formatUsd(Math.max(0, max - used))} left`,
      command: setBudget,
    });
  };
  limit('daily', 'Daily', budget.todayUsd, budget.dailyUsd);
  limit('monthly', 'Monthly', budget.monthUsd, budget.monthlyUsd);
  const state =
    budget.level === 'exceeded'
      ? { icon: 'error', iconColor: 'list.errorForeground', note: 'reached' }
      : budget.level === 'warning'
        ? { icon: 'warning', iconColor: 'list.warningForeground', note: `past ${Math.round(budget.warnAt * 100)}%` }
        : { icon: 'dashboard', iconColor: undefined, note: '' };
  return {
    id: 'budget',
    label: 'Budget',
    description: `${formatUsd(budget.leftUsd ?? 0)} left${state.note ? ` · ${state.note}` : ''}`,
    tooltip:
      budget.level === 'exceeded'
        ? 'Budget reached: new requests are refused unless you choose to send anyway.'
        : 'Click a limit to change it.',
    icon: state.icon,
    ...(state.iconColor ? { iconColor: state.iconColor } : {}),
    expanded: true,
    children: limits,
  };
}

function breakdownNode(id: string, label: string, icon: string, rows: SummaryRow[], name: (row: SummaryRow) => string): SpendNode {
  return {
    id,
    label,
    icon,
    description: rows.length === 0 ? 'none yet' : undefined,
    children: rows.map((row) => ({
      id: `${id}/${row.key}`,
      label: name(row),
      description: amount(row),
      tooltip: `${name(row)}: ${formatUsd(row.usd)} in ${requests(row.requests)} this month, ${formatTokens(row.inputTokens + row.cacheWriteTokens + row.cacheReadTokens)} tokens in, ${formatTokens(row.outputTokens)} out`,
    })),
  };
}

function recentNode(row: SpendRow, index: number, input: SpendTreeInput): SpendNode {
  const failed = row.status !== 'ok';
  const tokensIn = row.inputTokens + row.cacheWriteTokens + row.cacheReadTokens;
  return {
    id: `recent/${row.requestId || `${row.ts}#${index}`}`,
    label: `${formatUsd(row.usd)} ${row.model}`,
    // A request the demo made up says so, as every spend view does.
    description: `${when(row.time, input)} · ${row.source}${failed ? ` · ${row.status}` : ''}${row.sample ? ' · sample' : ''}`,
    tooltip: [
      `${row.model} (${row.tier}) at ${row.ts}`,
      `${formatTokens(tokensIn)} tokens in (${formatTokens(row.cacheReadTokens)} from cache), ${formatTokens(row.outputTokens)} out`,
      `Cost ${formatUsd(row.usd)}, saved ${formatUsd(row.cacheSavedUsd + row.routingSavedUsd)}`,
      `Status: ${row.status}`,
      ...(row.sample ? ['Sample spend seeded by the demo: never billed.'] : []),
    ].join('\n'),
    icon: failed ? 'error' : 'pass',
    ...(failed ? { iconColor: 'list.errorForeground' } : {}),
  };
}

/** "14:05" today, "11-28 14:05" before, on the ledger's local clock. */
function when(ms: number, input: SpendTreeInput): string {
  const local = new Date(wallClock(ms, input.timeZone)).toISOString();
  const today = new Date(wallClock(input.nowMs, input.timeZone)).toISOString().slice(0, 10);
  return local.slice(0, 10) === today ? local.slice(11, 16) : `${local.slice(5, 10)} ${local.slice(11, 16)}`;
}
