import { createHash } from 'node:crypto';
import * as v from 'valibot';
import type { LedgerFileSystem } from './fileSystem.js';
import { TOTAL_FIELDS, type Totals } from './totals.js';

/**
 * What the incremental reader knows about one month file, saved beside the ledger
 * (.index/2026-11.<prices>.json) so a new process (another VS Code window, the CLI) starts from the
 * running totals and parses only the lines appended since. It is a cache: when it is missing,
 * unreadable, from other prices, or the ledger bytes before its offset changed, it is rebuilt.
 */
export interface Bucket {
  day: string;
  workspacePath: string;
  workspaceName: string;
  model: string;
  tier: string;
  /** The program that sent the requests (entryClient). */
  client: string;
  totals: Totals;
}

export interface FileSnapshot {
  offset: number;
  lines: number;
  buckets: Bucket[];
  problemCount: number;
  problems: { line: number; reason: string }[];
}

// 4: buckets split by client.
const SNAPSHOT_VERSION = 4;
const FINGERPRINT_BYTES = 64;
const FINGERPRINT_SAMPLES = 16;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const SnapshotSchema = v.object({
  version: v.literal(SNAPSHOT_VERSION),
  offset: count,
  lines: count,
  fingerprint: v.string(),
  /** The ledger file's size and modification time when saved: the same size with a new time is an edit in place. */
  ledgerSize: count,
  ledgerModifiedAt: v.number(),
  pricesKey: v.string(),
  problemCount: count,
  problems: v.array(v.object({ line: count, reason: v.string() })),
  buckets: v.array(
    v.object({
      day: v.string(),
      path: v.string(),
      name: v.string(),
      model: v.string(),
      tier: v.string(),
      client: v.string(),
      totals: v.pipe(v.array(v.number()), v.length(TOTAL_FIELDS.length)),
    }),
  ),
});

/**
 * One saved file per month and price table: the CLI and an editor with a prices override keep
 * separate totals instead of overwriting each other's and rebuilding.
 */
export function snapshotPath(dir: string, month: string, pricesKey: string, join: (...parts: string[]) => string): string {
  return join(dir, '.index', `${month}.${pricesKey}.json`);
}

/**
 * Samples of the ledger bytes the totals were built from (the last 64 bytes before the offset
 * and windows spread across the file): cheap to check, and an edited or replaced ledger is
 * caught unless the edit misses every sample.
 */
function fingerprint(fs: LedgerFileSystem, ledgerFile: string, offset: number): string {
  const hash = createHash('sha256');
  const window = Math.min(FINGERPRINT_BYTES, offset);
  for (let i = 0; i < FINGERPRINT_SAMPLES; i++) {
    const start = Math.floor(((offset - window) * i) / (FINGERPRINT_SAMPLES - 1));
    hash.update(fs.read(ledgerFile, start, window));
  }
  return hash.digest('base64');
}

/** The saved state for `ledgerFile`, or undefined when there is none that still matches the file. */
export function loadSnapshot(fs: LedgerFileSystem, file: string, ledgerFile: string, pricesKey: string): FileSnapshot | undefined {
  const text = fs.readText(file);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(SnapshotSchema, raw);
  if (!parsed.success) return undefined;
  const saved = parsed.output;
  if (saved.pricesKey !== pricesKey) return undefined;
  const size = fs.size(ledgerFile);
  if (size === undefined || size < saved.offset || saved.offset > saved.ledgerSize) return undefined;
  // Appends change the time and grow the file; a new time at the same size means the bytes were edited.
  if (size === saved.ledgerSize && fs.modifiedAt(ledgerFile) !== saved.ledgerModifiedAt) return undefined;
  if (fingerprint(fs, ledgerFile, saved.offset) !== saved.fingerprint || !consistent(saved)) return undefined;
  return {
    offset: saved.offset,
    lines: saved.lines,
    problemCount: saved.problemCount,
    problems: saved.problems,
    buckets: saved.buckets.map((b) => ({
      day: b.day,
      workspacePath: b.path,
      workspaceName: b.name,
      model: b.model,
      tier: b.tier,
      client: b.client,
      totals: Object.fromEntries(TOTAL_FIELDS.map((field, i) => [field, b.totals[i]!])) as unknown as Totals,
    })),
  };
}

/**
 * The saved figures must be ones the reader could have produced: whole, non-negative counts, no more
 * requests than lines read, failures within requests, finite money. Anything else is rebuilt.
 */
function consistent(saved: v.InferOutput<typeof SnapshotSchema>): boolean {
  let requests = 0;
  for (const bucket of saved.buckets) {
    const totals = Object.fromEntries(TOTAL_FIELDS.map((field, i) => [field, bucket.totals[i]!])) as unknown as Totals;
    if (!TOTAL_FIELDS.every((field) => Number.isFinite(totals[field]))) return false;
    const counts = [
      totals.requests,
      totals.failed,
      totals.inputTokens,
      totals.cacheWriteTokens,
      totals.cacheReadTokens,
      totals.outputTokens,
    ];
    if (!counts.every((n) => Number.isInteger(n) && n >= 0)) return false;
    if (totals.failed > totals.requests || totals.usd < 0 || totals.baselineUsd < 0) return false;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(bucket.day)) return false;
    requests += totals.requests;
  }
  return requests + saved.problemCount <= saved.lines && saved.lines <= saved.offset;
}

/** Saves the state; failures (read-only directory, full disk) only cost the next process a longer first read. */
export function saveSnapshot(
  fs: LedgerFileSystem,
  file: string,
  dir: string,
  ledgerFile: string,
  pricesKey: string,
  state: FileSnapshot,
): void {
  try {
    fs.ensureDir(dir);
    const body = {
      version: SNAPSHOT_VERSION,
      offset: state.offset,
      lines: state.lines,
      fingerprint: fingerprint(fs, ledgerFile, state.offset),
      ledgerSize: fs.size(ledgerFile) ?? state.offset,
      ledgerModifiedAt: fs.modifiedAt(ledgerFile) ?? 0,
      pricesKey,
      problemCount: state.problemCount,
      problems: state.problems,
      buckets: state.buckets.map((b) => ({
        day: b.day,
        path: b.workspacePath,
        name: b.workspaceName,
        model: b.model,
        tier: b.tier,
        client: b.client,
        totals: TOTAL_FIELDS.map((field) => b.totals[field]),
      })),
    };
    fs.writeTextAtomic(file, JSON.stringify(body));
  } catch {
    // A cache; the ledger itself is intact.
  }
}
