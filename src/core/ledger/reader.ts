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
  /** The file size the scan read up to. */
  size: number;
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
  chunkBytes = CHUNK_BYTES,
): ScanResult {
  const size = fs.size(file) ?? 0;
  let { offset, lines } = from;
  let pending: Buffer = Buffer.alloc(0);
  let position = offset;
  while (position < size) {
    const chunk = fs.read(file, position, Math.min(chunkBytes, size - position));
    if (chunk.length === 0) break;
    position += chunk.length;
    const buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    let end = buffer.indexOf(NEWLINE, start);
    while (end !== -1) {
      const line = ++lines;
      parseLine(buffer.toString('utf8', start, end), onEntry, (reason) => onProblem({ file, line, reason }));
      offset += end + 1 - start;
      start = end + 1;
      end = buffer.indexOf(NEWLINE, start);
    }
    pending = buffer.subarray(start);
  }
  const result: ScanResult = { offset, lines, size };
  if (pending.length > 0) {
    result.torn = { file, line: lines + 1, reason: tornReason(pending.length) };
  }
  return result;
}

/**
 * Reads complete lines from the end of `file` backwards, newest first, until `onEntry` returns
 * false: the recent requests of a large ledger without parsing all of it. Problems carry line
 * numbers (counted from the start only when there is a problem to report).
 */
export function scanFileBackwards(
  fs: LedgerFileSystem,
  file: string,
  onEntry: (entry: LedgerEntry) => boolean,
  onProblem: (problem: LineProblem) => void,
  chunkBytes = CHUNK_BYTES,
): void {
  const size = fs.size(file) ?? 0;
  const found: { offset: number; reason: string }[] = [];
  let position = size;
  let carry: Buffer = Buffer.alloc(0);
  let atEnd = true;
  let wanted = true;
  while (wanted && position > 0) {
    const start = Math.max(0, position - chunkBytes);
    const buffer = Buffer.concat([fs.read(file, start, position - start), carry]);
    position = start;
    let end = buffer.length;
    if (atEnd) {
      const lastNewline = buffer.lastIndexOf(NEWLINE);
      if (lastNewline === -1 && start > 0) {
        carry = buffer; // all of this chunk belongs to a torn last line; look further back
        continue;
      }
      atEnd = false;
      // Bytes after the last newline: a torn last line.
      if (lastNewline !== buffer.length - 1)
        found.push({ offset: start + lastNewline + 1, reason: tornReason(buffer.length - lastNewline - 1) });
      end = Math.max(0, lastNewline);
    }
    // `end` is the index of a line's newline (or the end of its bytes); walk to each line's start.
    while (wanted) {
      const newline = end > 0 ? buffer.lastIndexOf(NEWLINE, end - 1) : -1;
      if (newline === -1 && position > 0) break; // the line continues into the previous chunk
      const lineStart = newline + 1;
      parseLine(
        buffer.toString('utf8', lineStart, end),
        (entry) => (wanted = onEntry(entry)),
        (reason) => found.push({ offset: position + lineStart, reason }),
      );
      if (newline === -1) break;
      end = newline;
    }
    carry = buffer.subarray(0, end);
  }
  found.sort((a, b) => a.offset - b.offset);
  for (const { offset, reason } of found) onProblem({ file, line: lineNumberAt(fs, file, offset), reason });
}

function lineNumberAt(fs: LedgerFileSystem, file: string, offset: number): number {
  let newlines = 0;
  for (let position = 0; position < offset; position += CHUNK_BYTES) {
    const chunk = fs.read(file, position, Math.min(CHUNK_BYTES, offset - position));
    for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) newlines++;
  }
  return newlines + 1;
}

function tornReason(bytes: number): string {
  return `incomplete last line (${bytes} bytes without a newline; a writer was probably interrupted)`;
}

function parseLine(text: string, onEntry: (entry: LedgerEntry) => void, onProblem: (reason: string) => void): void {
  if (text.trim() === '') return;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    onProblem('not valid JSON');
    return;
  }
  const result = v.safeParse(LedgerEntrySchema, raw);
  if (result.success) {
    onEntry(result.output);
    return;
  }
  const issue = result.issues[0];
  const field = (issue.path ?? []).map((item) => String(item.key)).join('.') || '(top level)';
  onProblem(`${field}: ${issue.input === undefined ? 'missing' : issue.message}`);
}
