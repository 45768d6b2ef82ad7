// Claude Code's own session logs into the ledger: spend that did not go through Tally's gateway.
// Each response Claude Code logged becomes one entry (source 'import', client 'claude-code', its
// request and message ids), priced with Tally's table and recorded against the workspace it ran in.
// A response the ledger already has (the gateway recorded it, or an earlier import did) is skipped, so
// importing twice adds nothing. Only bytes appended since the last import are read.
import * as path from 'node:path';
import { InputError } from '../errors.js';
import { buildLedgerEntry, type LedgerEntry } from '../ledger/entry.js';
import type { Ledger } from '../ledger/ledger.js';
import { roundUsd, splitUsage, utcDate } from '../prices/cost.js';
import { resolveModel, type PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import { readUsageLine } from './claudeCodeLine.js';
import { listLogFiles, readUsageLines, sessionOfFile, stampOf } from './claudeCodeFiles.js';
import { acquireImportLock, importStatePaths, loadImportState, saveImportState, type FileReadState } from './importState.js';
import { LedgerIds } from './ledgerIds.js';
import { groupResponses, isAnthropicMessageId, type LoggedLine, type LoggedResponse } from './responses.js';
import { DEFAULT_SETTLE_MS } from './claudeCodeFiles.js';

export const CLAUDE_CODE_CLIENT = 'claude-code';
/** Claude Code's own stand-in for a reply it never got (an API error, an interruption): nothing was billed. */
const SYNTHETIC_MODEL = '<synthetic>';

export interface ClaudeCodeImportOptions {
  /** The `projects` folders (claudeProjectDirs). */
  projectDirs: readonly string[];
  /** Only these log files (one session's, for the status line); the record of the others is kept. */
  files?: readonly string[];
  ledger: Ledger;
  priceTable: PriceTable;
  /** Folders a cwd inside them is recorded against (the editor's workspace folders); else the cwd itself is the workspace. */
  workspaceRoots?: readonly string[];
  now?: () => number;
  settleMs?: number;
  /** Ids already in the ledger; a long-lived caller passes the same one every time so only new ledger lines are read. */
  ids?: LedgerIds;
}

export interface ImportedTotals {
  requests: number;
  inputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  usd: number;
}

export interface ClaudeCodeImportReport {
  projectDirs: string[];
  ledger: string;
  /** Another import held the lock: nothing was read or written. */
  locked: boolean;
  files: { total: number; read: number; unchanged: number };
  bytesRead: number;
  imported: ImportedTotals;
  /** Responses the ledger already had, by the source that recorded them (gateway, import, ...). */
  alreadyRecorded: Record<string, number>;
  /** Responses still being written (a later import takes them). */
  pending: number;
  /** Responses of models Tally's price table does not have, by model: not recorded; a later import with a prices file takes them. */
  unpriced: Record<string, number>;
  /** Usage lines without a message id (so no way to tell them apart or recognise them later): not recorded. */
  withoutId: number;
  /** Usage lines that do not count, and why (the first few). */
  invalid: { count: number; examples: string[] };
  durationMs: number;
}

function emptyTotals(): ImportedTotals {
  return { requests: 0, inputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, outputTokens: 0, usd: 0 };
}

const KEPT_EXAMPLES = 5;
const YIELD_EVERY = 200;

export async function importClaudeCode(options: ClaudeCodeImportOptions): Promise<ClaudeCodeImportReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const { ledger, priceTable } = options;
  const report: ClaudeCodeImportReport = {
    projectDirs: [...options.projectDirs],
    ledger: ledger.dir,
    locked: false,
    files: { total: 0, read: 0, unchanged: 0 },
    bytesRead: 0,
    imported: emptyTotals(),
    alreadyRecorded: {},
    pending: 0,
    unpriced: {},
    withoutId: 0,
    invalid: { count: 0, examples: [] },
    durationMs: 0,
  };
  const paths = importStatePaths(ledger.dir, CLAUDE_CODE_CLIENT);
  const release = acquireImportLock(paths.dir, paths.lock, now);
  if (!release) return { ...report, locked: true };
  try {
    const state = loadImportState(paths.state);
    const files = options.files ? [...options.files] : await listLogFiles(options.projectDirs);
    report.files.total = files.length;

    const lines: LoggedLine[] = [];
    const reads = new Map<string, { stamp: FileReadState; end: number; settled: boolean; lastUsageEnd: number }>();
    for (const file of files) {
      const stamp = await stampOf(file);
      if (!stamp) continue;
      const previous = state.files[file];
      const from = previous && stamp.size >= previous.size ? previous.offset : 0;
      if (from >= stamp.size) {
        report.files.unchanged++;
        reads.set(file, { stamp: { ...stamp, offset: from }, end: from, settled: true, lastUsageEnd: -1 });
        continue;
      }
      report.files.read++;
      const projects = options.projectDirs.find((dir) => file.startsWith(dir + path.sep)) ?? path.dirname(file);
      const fileSession = sessionOfFile(projects, file);
      const read = await readUsageLines(file, from, stamp.size);
      report.bytesRead += read.end - from;
      let lastUsageEnd = -1;
      for (const raw of read.lines) {
        const usage = readUsageLine(raw.text);
        if (usage === null) continue;
        if (typeof usage === 'string') {
          report.invalid.count++;
          if (report.invalid.examples.length < KEPT_EXAMPLES) report.invalid.examples.push(`${file} (byte ${raw.start}): ${usage}`);
          continue;
        }
        lines.push({ ...usage, file, start: raw.start, end: raw.end, session: usage.sessionId ?? fileSession });
        lastUsageEnd = raw.end;
      }
      // Settled when something else was logged after the last usage line, or the file has been quiet a while.
      const settled = lastUsageEnd < read.end || now() - stamp.mtimeMs >= settleMs;
      reads.set(file, { stamp: { ...stamp, offset: read.end }, end: read.end, settled, lastUsageEnd });
    }

    const { responses, withoutId } = groupResponses(lines);
    report.withoutId = withoutId.length;
    const holdFrom = new Map<string, number>(); // per file, the first byte a later import must read again
    const hold = (response: LoggedResponse) => {
      for (const line of response.lines) holdFrom.set(line.file, Math.min(holdFrom.get(line.file) ?? Infinity, line.start));
    };

    const ids = options.ids ?? new LedgerIds(ledger.dir);
    const wanted = responses.flatMap((response) => [response.messageId, ...(response.line.requestId ? [response.line.requestId] : [])]);
    ids.learn(monthsAround(responses.map((response) => response.line.ms)), wanted);
    const models = new Map<string, ModelInfo | undefined>();
    const workspaceRoots = [...(options.workspaceRoots ?? [])].sort((a, b) => b.length - a.length);

    for (const response of [...responses].sort((a, b) => a.line.ms - b.line.ms)) {
      const { line } = response;
      const stillWriting = response.lines.some((item) => {
        const read = reads.get(item.file)!;
        return !read.settled && item.end === read.lastUsageEnd;
      });
      if (stillWriting) {
        report.pending++;
        hold(response);
        continue;
      }
      if (line.model === SYNTHETIC_MODEL) continue;
      const recordedBy = alreadyRecorded(ids, response);
      if (recordedBy) {
        report.alreadyRecorded[recordedBy] = (report.alreadyRecorded[recordedBy] ?? 0) + 1;
        continue;
      }
      const model = line.model === null ? undefined : modelFor(priceTable, models, line.model);
      const entry = model && entryFor(priceTable, model, response, workspaceRoots);
      if (!entry) {
        const name = line.model ?? '(no model)';
        report.unpriced[name] = (report.unpriced[name] ?? 0) + 1;
        hold(response);
        continue;
      }
      ledger.append(entry);
      addImported(report.imported, entry);
      // A first import appends thousands: let the host (the editor) breathe in between.
      if (report.imported.requests % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    report.imported.usd = roundUsd(report.imported.usd);

    // Files no longer listed drop out (unless only some were asked for); a held response's file is read again from its first line.
    const saved: Record<string, FileReadState> = options.files ? { ...state.files } : {};
    for (const [file, read] of reads) saved[file] = { ...read.stamp, offset: Math.min(read.end, holdFrom.get(file) ?? Infinity) };
    saveImportState(paths.dir, paths.state, { version: 1, files: saved });
  } finally {
    release();
  }
  report.durationMs = now() - started;
  return report;
}

/** The months (YYYY-MM, UTC) these times fall in, and each one's previous month: a gateway entry is stamped when the request started. */
function monthsAround(times: readonly number[]): Set<string> {
  const months = new Set<string>();
  for (const ms of times) {
    months.add(utcDate(ms).slice(0, 7));
    months.add(utcDate(ms - 31 * 86_400_000).slice(0, 7));
  }
  return months;
}

/** The source of the ledger entry that already records this response, if one does. */
function alreadyRecorded(ids: LedgerIds, response: LoggedResponse): string | undefined {
  const { line, messageId } = response;
  const byMessage = ids.messageEntries(messageId);
  if (line.isSidechain) {
    // A sidechain copy of a message the ledger has (in any request) is a replay, not a request.
    const replayOf = byMessage.find((entry) => isAnthropicMessageId(messageId) || entry.conversationId === line.session);
    if (replayOf) return replayOf.source;
  }
  if (line.requestId) {
    return ids.requestSource(line.requestId) ?? byMessage.find((entry) => entry.requestId === null)?.source;
  }
  const iso = new Date(line.ms).toISOString();
  return byMessage.find((entry) => isAnthropicMessageId(messageId) || entry.ts === iso)?.source;
}

/** The price table's model for a logged name (ids with a date suffix resolve to the undated id), cached per name. */
function modelFor(table: PriceTable, cache: Map<string, ModelInfo | undefined>, name: string): ModelInfo | undefined {
  if (cache.has(name)) return cache.get(name);
  let found: ModelInfo | undefined;
  for (const candidate of new Set([name, name.replace(/-\d{8}$/, '')])) {
    try {
      found = resolveModel(table, candidate);
      break;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
    }
  }
  cache.set(name, found);
  return found;
}

function workspaceOf(cwd: string, roots: readonly string[]): { path: string; name: string } {
  const root = roots.find((folder) => cwd === folder || cwd.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep));
  const where = root ?? cwd;
  return { path: where, name: path.basename(where) || where };
}

/** The ledger entry for a response, or undefined when its day has no rate for the model. */
function entryFor(table: PriceTable, model: ModelInfo, response: LoggedResponse, roots: readonly string[]): LedgerEntry | undefined {
  const { line } = response;
  // Claude Code writes cwd on every line; a line without one is recorded against its project folder's name.
  const cwd = line.cwd ?? path.basename(path.dirname(line.file));
  try {
    return buildLedgerEntry(table, {
      startedAt: line.ms,
      workspace: workspaceOf(cwd, roots),
      source: 'import',
      client: CLAUDE_CODE_CLIENT,
      messageId: response.messageId,
      requestId: line.requestId,
      conversationId: line.session,
      model,
      // Nothing was routed: savings are measured against the model that answered.
      defaultModel: model,
      usage: line.usage,
      status: 'ok',
      durationMs: 0,
    });
  } catch (error) {
    if (error instanceof InputError) return undefined; // no rate in force that day
    throw error;
  }
}

function addImported(totals: ImportedTotals, entry: LedgerEntry): void {
  const split = splitUsage(entry.usage);
  totals.requests++;
  totals.inputTokens += split.input;
  totals.cacheWriteTokens += split.cacheWrite5m + split.cacheWrite1h;
  totals.cacheReadTokens += split.cacheRead;
  totals.outputTokens += split.output;
  totals.usd += entry.usd;
}
