/**
 * The spend ledger: one JSON line per request in DIR/YYYY-MM.jsonl, appended atomically by
 * any number of processes, read incrementally with running totals.
 *
 *   const ledger = openLedger(resolveLedgerDir(flag, process.env, os.homedir(), process.platform));
 *   ledger.append(buildLedgerEntry(table, { startedAt, workspace, source: 'chat', model, defaultModel, usage, status: 'ok', durationMs }));
 *   ledger.spend(workspace.path).today.usd;          // status bar, budget check (fresh read, cheap)
 *   ledger.summarize('model', { since: '2026-11-01' }); // report, dashboard
 *   ledger.query({ workspace: workspace.path, limit: 50 }); // recent requests, export
 */
export { entryClient, modelLookup, openLedger, SUMMARY_DIMENSIONS } from './ledger.js';
export type {
  AppendResult,
  Ledger,
  LedgerFilter,
  LedgerOptions,
  ProblemReport,
  SpendTotals,
  Summary,
  SummaryDimension,
  SummaryRow,
} from './ledger.js';
export {
  buildLedgerEntry,
  LedgerEntrySchema,
  LEDGER_SOURCES,
  LEDGER_STATUSES,
  OVERHEAD_SOURCES,
  parseLedgerEntry,
  uncachedUsd,
} from './entry.js';
export type { EntryDetails, LedgerEntry, LedgerEntryInput, LedgerSource, LedgerStatus } from './entry.js';
export { defaultLedgerDir, resolveLedgerDir } from './paths.js';
export { nodeFileSystem } from './fileSystem.js';
export type { LedgerFileSystem } from './fileSystem.js';
export type { LineProblem } from './reader.js';
export { emptyTotals, entryDay, entryTotals, TOTAL_FIELDS } from './totals.js';
export type { Totals } from './totals.js';
export { sharedLedger } from './shared.js';
export type { SharedLedger } from './shared.js';
