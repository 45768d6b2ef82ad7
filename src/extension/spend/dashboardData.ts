import { dayAxis } from '../../core/dates.js';
import type { DailySeries, DashboardData, RecentRequest } from '../../protocol/dashboard.js';
import { budgetView, type BudgetSettings } from './budgetStatus.js';
import type { SpendHistory } from './spendHistory.js';
import type { SpendRow } from './spendRow.js';

export interface DashboardOptions {
  workspaceName: string;
  budget: BudgetSettings;
  /** Days of history charted, ending today (UTC). */
  historyDays: number;
  /** The simulated-API line, when answers and costs are not real. */
  apiNote?: string | undefined;
}

/** The UTC days from `count - 1` days ago to today, oldest first. */
/**
 * Shapes a workspace's spend history into what the dashboard draws: per-day stacks by model
 * and tier (largest first), savings per day, budget state and the latest requests (newest first).
 */
export function buildDashboardData(history: SpendHistory, options: DashboardOptions): DashboardData {
  const days = dayAxis(history.nowMs, options.historyDays, history.timeZone);
  const dayIndex = new Map(days.map((day, i) => [day, i]));
  const zeros = () => days.map(() => 0);
  const byModel = new Map<string, number[]>();
  const modelTier = new Map<string, string>();
  const byTier = new Map<string, number[]>();
  const requestsByDay = zeros();
  const cacheSavedByDay = zeros();
  const routingSavedByDay = zeros();

  for (const day of history.days) {
    const i = dayIndex.get(day.day);
    if (i === undefined) continue;
    for (const part of day.byModel) {
      addAt(byModel, part.key, i, part.usd, zeros);
      if (part.tier) modelTier.set(part.key, part.tier);
    }
    for (const part of day.byTier) addAt(byTier, part.key, i, part.usd, zeros);
    requestsByDay[i] = day.requests;
    cacheSavedByDay[i] = day.cacheSavingsUsd;
    routingSavedByDay[i] = day.routingSavingsUsd;
  }

  return {
    workspaceName: options.workspaceName,
    generatedAt: new Date(history.nowMs).toISOString(),
    days,
    dailyByModel: largestFirst(byModel).map((series) => {
      const tier = modelTier.get(series.key);
      return tier ? { ...series, tier } : series;
    }),
    dailyByTier: largestFirst(byTier),
    requestsByDay,
    cacheSavedByDay,
    routingSavedByDay,
    budget: budgetView(history.spend.today.usd, history.spend.thisMonth.usd, options.budget, history.nowMs, history.timeZone),
    recent: [...history.recent].sort((a, b) => b.time - a.time).map(toRecent),
    skippedLines: history.skippedLines,
    notes: dashboardNotes(history, options.apiNote),
  };
}

function addAt(series: Map<string, number[]>, key: string, index: number, usd: number, zeros: () => number[]): void {
  let values = series.get(key);
  if (!values) series.set(key, (values = zeros()));
  values[index]! += usd;
}

function largestFirst(series: Map<string, number[]>): DailySeries[] {
  const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return [...series.entries()]
    .map(([key, usd]) => ({ key, usd }))
    .sort((a, b) => total(b.usd) - total(a.usd) || a.key.localeCompare(b.key));
}

function toRecent(row: SpendRow): RecentRequest {
  return {
    ts: row.ts,
    model: row.model,
    tier: row.tier,
    inputTokens: row.inputTokens + row.cacheWriteTokens + row.cacheReadTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    usd: row.usd,
    savedUsd: row.cacheSavedUsd + row.routingSavedUsd,
    status: row.status,
    ...(row.sample ? { sample: true } : {}),
  };
}

/** What the user must know before reading the figures: costs that are simulated, rows that are samples. */
function dashboardNotes(history: SpendHistory, apiNote: string | undefined): string[] {
  const notes = apiNote ? [apiNote] : [];
  if (history.recent.some((row) => row.sample)) {
    notes.push('This ledger holds sample spend seeded by the demo (rows marked "sample"): it was never billed.');
  }
  return notes;
}
