// What the @tally participant writes under and instead of answers, as pure Markdown, so what a user
// reads is unit-tested. Money is core/format's; tiers are core/tiers'.
import { dayIn } from '../../core/dates.js';
import { formatTokens, formatUsd } from '../../core/format.js';
import type { LedgerEntry, SpendTotals } from '../../core/ledger/index.js';
import type { RoutedTier } from '../../core/tiers.js';

/** The figures of one answered turn (ChatEngine's TurnResult has them all). */
export interface AnsweredTurn {
  status: string;
  model: string;
  tier: string;
  reasons: string[];
  usd: number;
  savedUsd: number;
  cacheReadTokens: number;
}

/** The line under an answer: tier and model, what it cost, what caching saved, why this tier. */
export function answerFooter(turn: AnsweredTurn): string {
  const parts = [`**${turn.tier}** (${turn.model})`, formatUsd(turn.usd)];
  if (turn.savedUsd > 0) parts.push(`cache saved ${formatUsd(turn.savedUsd)} (${formatTokens(turn.cacheReadTokens)} tokens read)`);
  if (turn.status === 'aborted') parts.push('stopped');
  const why = turn.reasons[0] ? `\n\n*Why:* ${turn.reasons[0]}` : '';
  return `\n\n---\nTally: ${parts.join(' · ')}${why}`;
}

export interface TierPrice {
  tier: RoutedTier;
  model: string;
  inputTokens: number;
  /** Typical answer. */
  usd: number;
  /** Longest answer max_tokens allows. */
  worstUsd: number;
}

/** /cost: the prompt and its references priced on every tier, nothing sent. */
export function costReply(
  prices: readonly TierPrice[],
  recommended: { tier: RoutedTier; reasons: string[] },
  references: string[],
): string {
  const rows = prices.map((price) => [
    price.tier === recommended.tier ? `**${price.tier}** (router's pick)` : price.tier,
    price.model,
    formatTokens(price.inputTokens),
    formatUsd(price.usd),
    formatUsd(price.worstUsd),
  ]);
  const refs = references.length > 0 ? `\n\nPriced with ${references.map((r) => `\`${r}\``).join(', ')}.` : '';
  return (
    `Nothing was sent. What this prompt would cost:\n\n${markdownTable(['tier', 'model', 'input tokens', 'typical', 'at most'], rows)}` +
    `${refs}\n\n*Router:* ${recommended.reasons.join('; ') || recommended.tier}`
  );
}

/** /spend: today and this month for this workspace, by client. */
export function spendReply(workspaceName: string, totals: SpendTotals, monthEntries: readonly LedgerEntry[], timeZone: string): string {
  const byClient = new Map<string, { today: number; month: number; requests: number }>();
  for (const entry of monthEntries) {
    const client = clientOf(entry);
    const row = byClient.get(client) ?? { today: 0, month: 0, requests: 0 };
    row.month += entry.usd;
    row.requests++;
    if (dayIn(Date.parse(entry.ts), timeZone) === totals.date) row.today += entry.usd;
    byClient.set(client, row);
  }
  const rows = [...byClient.entries()]
    .sort((a, b) => b[1].month - a[1].month)
    .map(([client, row]) => [client, formatUsd(row.today), formatUsd(row.month), String(row.requests)]);
  const table =
    rows.length > 0 ? `\n\n${markdownTable(['client', 'today', 'this month', 'requests'], rows)}` : '\n\nNothing recorded this month yet.';
  return (
    `**${escapeMarkdown(workspaceName)}**: ${formatUsd(totals.today.usd)} today, ${formatUsd(totals.thisMonth.usd)} this month ` +
    `(${totals.thisMonth.requests} requests; caching saved ${formatUsd(totals.thisMonth.cacheSavingsUsd)}).${table}`
  );
}

/** Who made a request, as the user knows it. */
function clientOf(entry: LedgerEntry): string {
  if (entry.source === 'vscode-chat') return 'VS Code Chat';
  if (entry.source === 'chat') return 'Tally chat panel';
  if (entry.source === 'cli') return 'tally CLI';
  if (entry.source === 'summary' || entry.source === 'router') return 'Tally (summaries, routing)';
  return entry.client ?? entry.source;
}

export interface BudgetFigures {
  dailyUsd: number | null;
  monthlyUsd: number | null;
  todayUsd: number;
  monthUsd: number;
  leftUsd: number | null;
  level: string;
}

/** /budget: the limits, what is spent against them, what is left. */
export function budgetReply(budget: BudgetFigures): string {
  if (budget.dailyUsd === null && budget.monthlyUsd === null) {
    return `No budget is set for this workspace (${formatUsd(budget.todayUsd)} today, ${formatUsd(budget.monthUsd)} this month). Set one with **Tally: Set Budget**.`;
  }
  const rows: string[][] = [];
  if (budget.dailyUsd !== null) rows.push(['daily', formatUsd(budget.dailyUsd), formatUsd(budget.todayUsd)]);
  if (budget.monthlyUsd !== null) rows.push(['monthly', formatUsd(budget.monthlyUsd), formatUsd(budget.monthUsd)]);
  const state =
    budget.level === 'exceeded'
      ? 'Budget reached: requests are refused until it is raised or the period turns.'
      : budget.level === 'warning'
        ? `Close to the budget: ${formatUsd(budget.leftUsd ?? 0)} left.`
        : `${formatUsd(budget.leftUsd ?? 0)} left.`;
  return `${markdownTable(['budget', 'limit', 'spent'], rows)}\n\n${state} A hard budget is never exceeded: each request's worst case is reserved before it is sent.`;
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');
const escapeMarkdown = (text: string) => text.replace(/[\\`*_[\]<>]/g, '\\$&');
