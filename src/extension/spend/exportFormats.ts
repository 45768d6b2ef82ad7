import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { SpendRow } from './spendRow.js';
import { csvCell } from '../../core/csv.js';
import { roundUsd } from '../../core/prices/cost.js';

// CSV and JSON exports of a workspace's ledger rows. CSV follows RFC 4180 (quote cells holding a
// comma, quote or line break; double inner quotes; CRLF rows) and defuses spreadsheet formulas.

export const CSV_COLUMNS = [
  'ts',
  'workspace',
  'source',
  'conversationId',
  'model',
  'tier',
  'inputTokens',
  'cacheWriteTokens',
  'cacheReadTokens',
  'outputTokens',
  'usd',
  'baselineUsd',
  'cacheSavedUsd',
  'routingSavedUsd',
  'status',
  'requestId',
  'durationMs',
] as const;

export function toCsv(rows: readonly SpendRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    const cells: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
      ts: row.ts,
      workspace: row.workspaceName,
      source: row.source,
      conversationId: row.conversationId,
      model: row.model,
      tier: row.tier,
      inputTokens: row.inputTokens,
      cacheWriteTokens: row.cacheWriteTokens,
      cacheReadTokens: row.cacheReadTokens,
      outputTokens: row.outputTokens,
      usd: roundUsd(row.usd),
      baselineUsd: roundUsd(row.baselineUsd),
      cacheSavedUsd: roundUsd(row.cacheSavedUsd),
      routingSavedUsd: roundUsd(row.routingSavedUsd),
      status: row.status,
      requestId: row.requestId,
      durationMs: row.durationMs,
    };
    lines.push(CSV_COLUMNS.map((column) => csvCell(cells[column])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** The rows as a JSON document with the export's context, so the file explains itself. */
export function toJson(rows: readonly SpendRow[], workspace: { path: string; name: string }, exportedAt: string): string {
  const entries = rows.map(({ time: _time, ...row }) => row);
  return JSON.stringify({ workspace, exportedAt, entries }, null, 2) + '\n';
}

/** ~/Downloads when there is one, else the home folder. */
export function exportFolder(home: string): string {
  const downloads = path.join(home, 'Downloads');
  return existsSync(downloads) ? downloads : home;
}
