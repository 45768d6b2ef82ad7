import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../errors.js';
import { bundledPriceTable, type PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import { addMonths, dayIn, systemTimeZone } from '../dates.js';
import { utcDate } from '../prices/cost.js';
import { parseLedgerEntry, type LedgerEntry, type LedgerEntryInput } from './entry.js';
import { nodeFileSystem, type LedgerFileSystem } from './fileSystem.js';
import { MONTH_FILE_PATTERN, monthFileName } from './paths.js';
import { PendingEntries } from './pending.js';
import { scanFile, scanFileBackwards, type LineProblem } from './reader.js';
import { loadSnapshot, saveSnapshot, snapshotPath, type Bucket } from './snapshot.js';
import { addTotals, emptyTotals, entryDay, entryTotals, roundTotals, type Totals } from './totals.js';

export interface LedgerOptions {
  fs?: LedgerFileSystem;
  /** Epoch ms; with `timeZone`, decides "today" and "this month". */
  now?: () => number;
  /** Prices used to split savings into caching and routing (entries carry their own usd). */
  priceTable?: PriceTable;
  /** Save running totals in DIR/.index so other processes start warm (default true). */
  persistIndex?: boolean;
  /** Where entries the ledger cannot take are kept until it can (default: the system's temp dir). */
  pendingDir?: string;
  /** The user's time zone (IANA name): days, "today" and "this month" are local days. Default: the system's. */
  timeZone?: string;
}

/** What became of an entry: written, or kept aside (counted in this process's spend) until the ledger takes it. */
export type AppendResult = { written: true } | { written: false; reason: string; keptIn: string | null };

/** Lines skipped while reading: how many, and the first few with file:line and why. */
export interface ProblemReport {
  count: number;
  examples: LineProblem[];
}

export interface SpendTotals {
  /** Today in the ledger's time zone, YYYY-MM-DD. */
  date: string;
  today: Totals;
  thisMonth: Totals;
  problems: ProblemReport;
}

export const SUMMARY_DIMENSIONS = ['day', 'model', 'tier', 'workspace', 'client'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

export interface LedgerFilter {
  /** Workspace path, exactly as recorded. */
  workspace?: string;
  /** First local day included, YYYY-MM-DD. */
  since?: string;
  /** Last local day included, YYYY-MM-DD. */
  until?: string;
}

export interface SummaryRow extends Totals {
  /** The day, model id, tier, workspace path or client. */
  key: string;
  /** What to show: same as key, except a workspace's name. */
  label: string;
}

export interface Summary {
  by: SummaryDimension;
  /** Days in date order; the other dimensions by spend, largest first. */
  rows: SummaryRow[];
  total: Totals;
  problems: ProblemReport;
}

export interface Ledger {
  readonly dir: string;
  /** The time zone days are counted in, and the day of a moment in it (YYYY-MM-DD). */
  readonly timeZone: string;
  day(ms: number): string;
  /**
   * Validates and appends one entry to its month's file (one atomic write). Throws InputError on a
   * malformed entry. A write that fails (read-only, disk full) loses nothing: the entry is kept aside,
   * still counted by this process's spend(), and written by the next append that succeeds.
   */
  append(entry: LedgerEntryInput): AppendResult;
  /** Throws a one-line InputError when the ledger cannot be written, so a request is not sent (and billed) first. */
  checkWritable(): void;
  /** Today's and this month's spend, for one workspace or all; reads only bytes appended since the last call. */
  spend(workspacePath?: string): SpendTotals;
  /** Totals grouped by day, model, tier, workspace or client over the filtered range. */
  summarize(by: SummaryDimension, filter?: LedgerFilter): Summary;
  /**
   * The entries themselves, oldest first. Without `limit` it reads every file in range; with it, it
   * reads backwards from the newest and stops at the most recent N (problems are those in what it read).
   */
  query(filter?: LedgerFilter & { limit?: number }): { entries: LedgerEntry[]; problems: ProblemReport };
}

/** After this many newly parsed entries a reader saves its running totals for other processes. */
const SAVE_EVERY_ENTRIES = 500;
const KEPT_PROBLEMS = 20;

interface FileState {
  month: string;
  file: string;
  offset: number;
  lines: number;
  buckets: Map<string, Bucket>;
  problemCount: number;
  problems: LineProblem[];
  torn: LineProblem | undefined;
  unsaved: number;
}

/**
 * Opens the ledger in `dir` (created on first append). Reads are incremental: per month file
 * the ledger remembers the byte offset it has read to and running totals per day, workspace,
 * model and tier, so a status bar refresh parses only new lines; those totals are also saved
 * in DIR/.index for the next process.
 */
export function openLedger(dir: string, options: LedgerOptions = {}): Ledger {
  const fs = options.fs ?? nodeFileSystem;
  const now = options.now ?? Date.now;
  const timeZone = options.timeZone ?? systemTimeZone();
  /** The local day an entry counts on (its rates are still those of its UTC date). */
  const localDay = (entry: LedgerEntry) => dayIn(Date.parse(entry.ts), timeZone);
  const table = options.priceTable ?? bundledPriceTable();
  const persist = options.persistIndex ?? true;
  const models = modelLookup(table);
  // Saved totals are per price table and per time zone (they are grouped by local day).
  const pricesKey = createHash('sha256').update(JSON.stringify(table.models)).update(timeZone).digest('hex').slice(0, 16);
  const states = new Map<string, FileState>();
  const pending = new PendingEntries(fs, dir, options.pendingDir ?? path.join(os.tmpdir(), 'tally-ledger-pending'));
  const writeLine = (line: string) => {
    fs.ensureDir(dir);
    fs.appendLine(fileOf(entryDay(JSON.parse(line) as LedgerEntry).slice(0, 7)), line);
  };
  /** Pending entries as totals, for spend and summaries: the money is spent whether or not the file took it. */
  const pendingMatching = (filter: LedgerFilter) =>
    pending.entries.filter((entry) => matches(localDay(entry), entry.workspace.path, filter));

  const fileOf = (month: string) => path.join(dir, monthFileName(month));
  const indexFileOf = (month: string) => snapshotPath(dir, month, pricesKey, path.join);

  function freshState(month: string): FileState {
    return {
      month,
      file: fileOf(month),
      offset: 0,
      lines: 0,
      buckets: new Map(),
      problemCount: 0,
      problems: [],
      torn: undefined,
      unsaved: 0,
    };
  }

  function stateFor(month: string): FileState {
    let state = states.get(month);
    if (state) return state;
    state = freshState(month);
    const saved = persist ? loadSnapshot(fs, indexFileOf(month), state.file, pricesKey) : undefined;
    if (saved) {
      state.offset = saved.offset;
      state.lines = saved.lines;
      state.problemCount = saved.problemCount;
      state.problems = saved.problems.map((p) => ({ file: state!.file, ...p }));
      for (const bucket of saved.buckets)
        state.buckets.set(bucketKey(bucket.day, bucket.workspacePath, bucket.model, bucket.tier, bucket.client), bucket);
    }
    states.set(month, state);
    return state;
  }

  function refresh(month: string): FileState {
    let state = stateFor(month);
    const size = fs.size(state.file) ?? 0;
    if (size < state.offset) {
      // The file shrank: not our append-only ledger any more (restored, edited). Start over.
      state = freshState(month);
      states.set(month, state);
    }
    if (size === state.offset) {
      state.torn = undefined;
      return state;
    }
    const current = state;
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = scanFile(
        fs,
        current.file,
        current,
        (entry) => {
          addEntry(current, entry);
          current.unsaved++;
        },
        (problem) => {
          current.problemCount++;
          if (current.problems.length < KEPT_PROBLEMS) current.problems.push(problem);
        },
      );
      current.offset = result.offset;
      current.lines = result.lines;
      current.torn = result.torn;
      // A last line without its newline may be another process's append still being copied in: if the file grew, read on.
      if (!result.torn || (fs.size(current.file) ?? 0) <= result.size) break;
    }
    if (persist && current.unsaved >= SAVE_EVERY_ENTRIES) {
      saveSnapshot(fs, indexFileOf(month), path.join(dir, '.index'), current.file, pricesKey, {
        offset: current.offset,
        lines: current.lines,
        buckets: [...current.buckets.values()],
        problemCount: current.problemCount,
        problems: current.problems.map(({ line, reason }) => ({ line, reason })),
      });
      current.unsaved = 0;
    }
    return current;
  }

  function addEntry(state: FileState, entry: LedgerEntry): void {
    const day = localDay(entry);
    const workspacePath = workspaceKey(entry.workspace.path);
    const client = entryClient(entry);
    const key = bucketKey(day, workspacePath, entry.model, entry.tier, client);
    let bucket = state.buckets.get(key);
    if (!bucket) {
      bucket = {
        day,
        workspacePath,
        workspaceName: entry.workspace.name,
        model: entry.model,
        tier: entry.tier,
        client,
        totals: emptyTotals(),
      };
      state.buckets.set(key, bucket);
    }
    bucket.workspaceName = entry.workspace.name;
    addTotals(bucket.totals, entryTotals(entry, models, table, entryDay(entry)));
  }

  /** Month files that can hold entries of the local days in range (a local day can fall in the UTC month next to it). */
  function monthsInRange(filter: LedgerFilter): string[] {
    const from = filter.since ? addMonths(filter.since.slice(0, 7), -1) : undefined;
    const to = filter.until ? addMonths(filter.until.slice(0, 7), 1) : undefined;
    return fs
      .list(dir)
      .map((name) => MONTH_FILE_PATTERN.exec(name)?.[1])
      .filter((month): month is string => month !== undefined && (!from || month >= from) && (!to || month <= to))
      .sort();
  }

  function problemsOf(fileStates: FileState[]): ProblemReport {
    const examples: LineProblem[] = [];
    let count = 0;
    for (const state of fileStates) {
      count += state.problemCount + (state.torn ? 1 : 0);
      examples.push(...state.problems, ...(state.torn ? [state.torn] : []));
    }
    return { count, examples: examples.slice(0, KEPT_PROBLEMS) };
  }

  return {
    dir,
    timeZone,
    day: (ms) => dayIn(ms, timeZone),

    append(entry) {
      const valid = parseLedgerEntry(entry, 'ledger entry');
      try {
        pending.flush(writeLine);
        writeLine(`${JSON.stringify(valid)}\n`);
        return { written: true };
      } catch (error) {
        return { written: false, reason: writeFailure(dir, error), keptIn: pending.keep(valid) };
      }
    },

    checkWritable() {
      try {
        fs.ensureDir(dir);
        fs.probeAppend(fileOf(utcDate(now()).slice(0, 7)));
      } catch (error) {
        throw new InputError(`${writeFailure(dir, error)}; fix it or choose another ledger (--ledger DIR) before sending`);
      }
    },

    spend(workspace) {
      const workspacePath = workspace === undefined ? undefined : workspaceKey(workspace);
      const date = dayIn(now(), timeZone);
      const month = date.slice(0, 7);
      // This local month's entries are in its UTC month's file, and near its ends in the files either side.
      const files = [addMonths(month, -1), month, addMonths(month, 1)];
      const fileStates = files.filter((m) => m === month || fs.size(fileOf(m)) !== undefined).map(refresh);
      const today = emptyTotals();
      const thisMonth = emptyTotals();
      for (const state of fileStates) {
        for (const bucket of state.buckets.values()) {
          if (workspacePath !== undefined && bucket.workspacePath !== workspacePath) continue;
          if (!bucket.day.startsWith(month)) continue;
          addTotals(thisMonth, bucket.totals);
          if (bucket.day === date) addTotals(today, bucket.totals);
        }
      }
      for (const entry of pendingMatching({ ...(workspacePath !== undefined ? { workspace: workspacePath } : {}), since: `${month}-01` })) {
        const day = localDay(entry);
        const totals = entryTotals(entry, models, table, entryDay(entry));
        if (day.startsWith(month)) addTotals(thisMonth, totals);
        if (day === date) addTotals(today, totals);
      }
      return { date, today: roundTotals(today), thisMonth: roundTotals(thisMonth), problems: problemsOf(fileStates) };
    },

    summarize(by, filter = {}) {
      const fileStates = monthsInRange(filter).map(refresh);
      const groups = new Map<string, SummaryRow>();
      const total = emptyTotals();
      for (const state of fileStates) {
        for (const bucket of state.buckets.values()) {
          if (!matches(bucket.day, bucket.workspacePath, filter)) continue;
          const key =
            by === 'day'
              ? bucket.day
              : by === 'model'
                ? bucket.model
                : by === 'tier'
                  ? bucket.tier
                  : by === 'client'
                    ? bucket.client
                    : bucket.workspacePath;
          let row = groups.get(key);
          if (!row) {
            row = { key, label: by === 'workspace' ? bucket.workspaceName || key : key, ...emptyTotals() };
            groups.set(key, row);
          }
          addTotals(row, bucket.totals);
          addTotals(total, bucket.totals);
        }
      }
      for (const entry of pendingMatching(filter)) {
        const day = localDay(entry);
        const key =
          by === 'day'
            ? day
            : by === 'model'
              ? entry.model
              : by === 'tier'
                ? entry.tier
                : by === 'client'
                  ? entryClient(entry)
                  : workspaceKey(entry.workspace.path);
        let row = groups.get(key);
        if (!row) groups.set(key, (row = { key, label: by === 'workspace' ? entry.workspace.name || key : key, ...emptyTotals() }));
        const totals = entryTotals(entry, models, table, entryDay(entry));
        addTotals(row, totals);
        addTotals(total, totals);
      }
      const rows = [...groups.values()].map((row) => ({ ...row, ...roundTotals(row) }));
      rows.sort(by === 'day' ? (a, b) => a.key.localeCompare(b.key) : (a, b) => b.usd - a.usd || a.key.localeCompare(b.key));
      return { by, rows, total: roundTotals(total), problems: problemsOf(fileStates) };
    },

    query(filter = {}) {
      const entries: LedgerEntry[] = [];
      const fileStates: FileState[] = [];
      const limit = filter.limit;
      const months = monthsInRange(filter);
      // With a limit, read newest first from the end of each file and stop once enough are found.
      if (limit !== undefined) months.reverse();
      for (const month of months) {
        if (limit !== undefined && entries.length >= limit) break;
        const state = freshState(month);
        const onProblem = (problem: LineProblem) => {
          state.problemCount++;
          if (state.problems.length < KEPT_PROBLEMS) state.problems.push(problem);
        };
        if (limit === undefined) {
          const result = scanFile(
            fs,
            state.file,
            state,
            (entry) => void (matches(localDay(entry), entry.workspace.path, filter) && entries.push(entry)),
            onProblem,
          );
          state.torn = result.torn;
        } else {
          scanFileBackwards(
            fs,
            state.file,
            (entry) => {
              if (matches(localDay(entry), entry.workspace.path, filter)) entries.push(entry);
              return entries.length < limit;
            },
            onProblem,
          );
        }
        fileStates.push(state);
      }
      const ordered = [...(limit === undefined ? entries : entries.reverse()), ...pendingMatching(filter)];
      return { entries: limit === undefined ? ordered : ordered.slice(-limit), problems: problemsOf(fileStates) };
    },
  };
}

/** One line on why the ledger could not be written, with the OS's code (EACCES, ENOSPC, EFBIG, ...). */
function writeFailure(dir: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EFBIG: 'the ledger file is larger than this system allows',
    ENOTDIR: 'a path in it is a file, not a directory',
  };
  const known = code !== undefined ? why[code] : undefined;
  return `cannot write the ledger in ${dir}: ${known ? `${known} (${code})` : (error as Error).message}`;
}

function bucketKey(day: string, workspacePath: string, model: string, tier: string, client: string): string {
  return `${day}\u0000${workspacePath}\u0000${model}\u0000${tier}\u0000${client}`;
}

/** Who sent a request, for spend by client: the program where known (claude-code, tally, ...), else its source. */
export function entryClient(entry: LedgerEntry): string {
  return entry.client || entry.source;
}

/**
 * Workspace paths as compared: Windows drive letters in one case, since VS Code reports
 * c:\work where a shell resolves C:\work.
 */
function workspaceKey(path: string): string {
  return /^[A-Z]:[\\/]/.test(path) ? path[0]!.toLowerCase() + path.slice(1) : path;
}

function matches(day: string, workspacePath: string, filter: LedgerFilter): boolean {
  return (
    (filter.workspace === undefined || workspaceKey(workspacePath) === workspaceKey(filter.workspace)) &&
    (filter.since === undefined || day >= filter.since) &&
    (filter.until === undefined || day <= filter.until)
  );
}

/** Models by id and alias (an id wins over another model's alias): how ledger entries find their rates. */
export function modelLookup(table: PriceTable): Map<string, ModelInfo> {
  const byName = new Map<string, ModelInfo>();
  for (const model of table.models) {
    for (const alias of model.aliases) byName.set(alias, model);
  }
  for (const model of table.models) byName.set(model.id, model);
  return byName;
}
