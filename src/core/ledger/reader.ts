import * as v from 'valibot';
import { LedgerEntrySchema, type LedgerEntry } from './entry.js';
import type { LedgerFileSystem } from './fileSystem.js';

/** A ledger line that was skipped: where it is and why. */
export interface LineProblem {
  file: string;
  line: number;
  reason: string;
}

export interface ScanPosition {
  /** Byte offset just after the last complete line read. */
  offset: number;
  /** Complete lines read so far (blank ones included), so problems carry real line numbers. */
  lines: number;
}

export interface ScanResult extends ScanPosition {
  /** A last line without its newline: a writer killed mid-write. Not consumed: once a later append ends it, it is read as a complete (corrupt) line. */
  torn?: LineProblem;
}

const CHUNK_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

/**
 * Reads the complete lines of `file` after `from`, calling `onEntry` for each valid entry and
 * `onProblem` for each line that is not one. A bad line never stops the scan.
 */
export function scanFile(
  fs: LedgerFileSystem,
  file: string,
  from: ScanPosition,
  onEntry: (entry: LedgerEntry) => void,
  onProblem: (problem: LineProblem) => void,
): ScanResult {
  const size = fs.size(file) ?? 0;
  let { offset, lines } = from;
  let pending: Buffer = Buffer.alloc(0);
  let position = offset;
  while (position < size) {
    const chunk = fs.read(file, position, Math.min(CHUNK_BYTES, size - position));
    if (chunk.length === 0) break;
    position += chunk.length;
    const buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    let end = buffer.indexOf(NEWLINE, start);
    while (end !== -1) {
      lines++;
      parseLine(buffer.toString('utf8', start, end), file, lines, onEntry, onProblem);
      offset += end + 1 - start;
      start = end + 1;
      end = buffer.indexOf(NEWLINE, start);
    }
    pending = buffer.subarray(start);
  }
  const result: ScanResult = { offset, lines };
  if (pending.length > 0) {
    result.torn = { file, line: lines + 1, reason: `incomplete last line (${pending.length} bytes without a newline; a writer was probably interrupted)` };
  }
  return result;
}

function parseLine(text: string, file: string, line: number, onEntry: (entry: LedgerEntry) => void, onProblem: (problem: LineProblem) => void): void {
  if (text.trim() === '') return;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    onProblem({ file, line, reason: 'not valid JSON' });
    return;
  }
  const result = v.safeParse(LedgerEntrySchema, raw);
  if (result.success) {
    onEntry(result.output);
    return;
  }
  const issue = result.issues[0];
  const field = (issue.path ?? []).map((item) => String(item.key)).join('.') || '(top level)';
  onProblem({ file, line, reason: `${field}: ${issue.message}` });
}
