import { modelLookup, type Ledger, type LedgerEntry, type SpendTotals, type SummaryRow } from '../../core/ledger/index.js';
import { entryDay, entryTotals } from '../../core/ledger/totals.js';
import type { PriceTable } from '../../core/prices/priceTable.js';
import { dayAxis } from '../../core/dates.js';
import type { SpendRow } from './spendRow.js';

// Reads what the spend views need from the ledger. Everything except the recent-requests list
// comes from the ledger's running totals (only newly appended bytes are parsed on each call).

/** One day of a workspace's spend, split by model and tier. */
export interface DaySpend {
  day: string;
  requests: number;
  usd: number;
  cacheSavingsUsd: number;
  routingSavingsUsd: number;
  byModel: Array<{ key: string; usd: number; tier?: string }>;
  byTier: Array<{ key: string; usd: number }>;
}

export interface SpendHistory {
  nowMs: number;
  /** The time zone days are counted in (the ledger's). */
  timeZone: string;
  /** Today's and this month's totals from the ledger's running totals. */
  spend: SpendTotals;
  /** Only days with requests, oldest first, within the charted range. */
  days: DaySpend[];
  /** Newest last (ledger order). */
  recent: SpendRow[];
  skippedLines: number;
}

export interface HistoryOptions {
  nowMs: number;
  historyDays: number;
  recentLimit: number;
  priceTable: PriceTable;
}

/**
 * Splits of past days by model and tier, kept between reads: a day whose request count and
 * spend are unchanged is not summarized again, so a redraw costs one pass over the running
 * totals plus today. Hold one per ledger and workspace.
 */
export type DaySplitCache = Map<string, DaySpend>;

export function readSpendHistory(
  ledger: Ledger,
  workspacePath: string,
  options: HistoryOptions,
  cache: DaySplitCache = new Map(),
): SpendHistory {
  const since = dayAxis(options.nowMs, options.historyDays, ledger.timeZone)[0]!;
  const spend = ledger.spend(workspacePath);
  const perDay = ledger.summarize('day', { workspace: workspacePath, since });
  const tierOf = modelLookup(options.priceTable);
  const days = perDay.rows
    .filter((row) => row.requests > 0)
    .map((row): DaySpend => {
      const cached = cache.get(row.key);
      if (cached && cached.requests === row.requests && cached.usd === row.usd) return cached;
      const filter = { workspace: workspacePath, since: row.key, until: row.key };
      const keyed = (by: 'model' | 'tier') => ledger.summarize(by, filter).rows.map((r) => ({ key: r.key, usd: r.usd }));
      const day: DaySpend = {
        day: row.key,
        requests: row.requests,
        usd: row.usd,
        cacheSavingsUsd: row.cacheSavingsUsd,
        routingSavingsUsd: row.routingSavingsUsd,
        byModel: keyed('model').map((part) => ({ ...part, tier: tierOf.get(part.key)?.tier })),
        byTier: keyed('tier'),
      };
      cache.set(row.key, day);
      return day;
    });
  for (const day of cache.keys()) if (day < since) cache.delete(day);
  // With a limit the ledger reads backwards from the newest entries, not the whole range.
  const recent = ledger.query({ workspace: workspacePath, since, limit: options.recentLimit }).entries;
  return {
    nowMs: options.nowMs,
    timeZone: ledger.timeZone,
    spend,
    days,
    recent: spendRows(recent, options.priceTable),
    skippedLines: Math.max(perDay.problems.count, spend.problems.count),
  };
}

/** Every entry of a workspace, for export. */
export function readWorkspaceEntries(ledger: Ledger, workspacePath: string): { entries: LedgerEntry[]; skippedLines: number } {
  const { entries, problems } = ledger.query({ workspace: workspacePath });
  return { entries, skippedLines: problems.count };
}

/** Flattens entries into rows with their savings split the same way the ledger's totals split them. */
export function spendRows(entries: readonly LedgerEntry[], table: PriceTable): SpendRow[] {
  const models = modelLookup(table);
  return entries.map((entry) => {
    const totals = entryTotals(entry, models, table, entryDay(entry));
    return {
      ts: entry.ts,
      time: Date.parse(entry.ts),
      workspacePath: entry.workspace.path,
      workspaceName: entry.workspace.name,
      source: entry.source,
      conversationId: entry.conversationId ?? '',
      model: entry.model,
      tier: entry.tier,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      cacheWriteTokens: totals.cacheWriteTokens,
      cacheReadTokens: totals.cacheReadTokens,
      usd: entry.usd,
      baselineUsd: entry.baselineUsd,
      cacheSavedUsd: totals.cacheSavingsUsd,
      routingSavedUsd: totals.routingSavingsUsd,
      requestId: entry.requestId ?? '',
      status: entry.status,
      durationMs: entry.durationMs,
      ...(entry.sample ? { sample: true } : {}),
    };
  });
}

/** What the spend tree shows: today and this month, this month by client and by model, the latest requests. */
export interface SpendBreakdown {
  spend: SpendTotals;
  /** This month, largest first (the ledger's order). */
  byClient: SummaryRow[];
  byModel: SummaryRow[];
  /** Newest last (ledger order). */
  recent: SpendRow[];
  skippedLines: number;
}

/** This month's breakdowns straight from the ledger's running totals (no summing here). */
export function readSpendBreakdown(
  ledger: Ledger,
  workspacePath: string,
  options: { recentLimit: number; priceTable: PriceTable },
): SpendBreakdown {
  const spend = ledger.spend(workspacePath);
  const month = { workspace: workspacePath, since: `${spend.date.slice(0, 7)}-01`, until: spend.date };
  const byClient = ledger.summarize('client', month);
  const byModel = ledger.summarize('model', month);
  const recent = ledger.query({ workspace: workspacePath, limit: options.recentLimit }).entries;
  return {
    spend,
    byClient: byClient.rows,
    byModel: byModel.rows,
    recent: spendRows(recent, options.priceTable),
    skippedLines: Math.max(spend.problems.count, byClient.problems.count, byModel.problems.count),
  };
}
