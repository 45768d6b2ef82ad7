import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors.js';

/**
 * The file operations the ledger needs, so tests (and the extension, if it ever must) can
 * substitute them. Paths are absolute; the node implementation below is the real one.
 */
export interface LedgerFileSystem {
  /**
   * Appends `line` (which ends in "\n") with ONE write() on a descriptor opened with O_APPEND,
   * so concurrent writers in other processes never interleave or lose a line. If the file does
   * not end in "\n" (a writer was killed mid-line), a "\n" is written first, in the same write,
   * so the new entry never glues onto the torn line.
   */
  appendLine(file: string, line: string): void;
  /** Size in bytes, or undefined when the file does not exist. */
  size(file: string): number | undefined;
  /** Last modification time in ms, or undefined when the file does not exist. */
  modifiedAt(file: string): number | undefined;
  /** Opens `file` for appending (creating it) and closes it, writing nothing: throws if it cannot be written. */
  probeAppend(file: string): void;
  /** Renames; throws (ENOENT) when `from` is gone, e.g. another process renamed it first. */
  rename(from: string, to: string): void;
  remove(file: string): void;
  /** Up to `length` bytes from `position`. */
  read(file: string, position: number, length: number): Buffer;
  /** File names (not paths) in `dir`; empty when it does not exist. */
  list(dir: string): string[];
  ensureDir(dir: string): void;
  /** Whole file as UTF-8, or undefined when it does not exist or cannot be read. */
  readText(file: string): string | undefined;
  /** Writes a temporary file and renames it over `file`, so readers never see half of it. */
  writeTextAtomic(file: string, text: string): void;
}

const NEWLINE = 0x0a;

/** A ledger directory that is a file or cannot be read is the user's to fix: say so in one line. */
function directoryError(dir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EEXIST') return new InputError(`ledger directory ${dir} is not a directory`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`ledger directory ${dir}: permission denied`);
  return error as Error;
}
const SETTLE_CHECKS = 5;
const SETTLE_MS = 2;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * True when the file's last byte is not a newline. Another process's append can be seen half
 * copied, so a missing newline is believed only once the size stops changing: a killed
 * writer's torn line stays put, a live write finishes within microseconds. (If a write still
 * slips in between, the cost is a blank line, which readers skip.)
 */
function endsMidLine(fd: number): boolean {
  const last = Buffer.alloc(1);
  let size = fs.fstatSync(fd).size;
  for (let check = 0; check < SETTLE_CHECKS; check++) {
    if (size === 0) return false;
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] === NEWLINE) return false;
    Atomics.wait(sleeper, 0, 0, SETTLE_MS);
    const now = fs.fstatSync(fd).size;
    if (now === size) return true;
    size = now;
  }
  return true;
}

export const nodeFileSystem: LedgerFileSystem = {
  appendLine(file, line) {
    // 'a+' = O_APPEND | O_CREAT | O_RDWR: appends land at the end whatever other processes wrote,
    // and the descriptor can also read the last byte.
    const fd = fs.openSync(file, 'a+');
    try {
      const needsNewline = endsMidLine(fd);
      const bytes = Buffer.from(needsNewline ? `\n${line}` : line, 'utf8');
      let written = fs.writeSync(fd, bytes, 0, bytes.length);
      // A regular file takes the whole write unless the disk is full; finish rather than lose the tail.
      while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    } finally {
      fs.closeSync(fd);
    }
  },
  size(file) {
    try {
      return fs.statSync(file).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  modifiedAt(file) {
    try {
      return fs.statSync(file).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  probeAppend(file) {
    fs.closeSync(fs.openSync(file, 'a'));
  },
  rename(from, to) {
    fs.renameSync(from, to);
  },
  remove(file) {
    fs.rmSync(file, { force: true });
  },
  read(file, position, length) {
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const got = fs.readSync(fd, buffer, filled, length - filled, position + filled);
        if (got === 0) break;
        filled += got;
      }
      return buffer.subarray(0, filled);
    } finally {
      fs.closeSync(fd);
    }
  },
  list(dir) {
    try {
      return fs.readdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw directoryError(dir, error);
    }
  },
  ensureDir(dir) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw directoryError(dir, error);
    }
  },
  readText(file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  writeTextAtomic(file, text) {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    fs.writeFileSync(temp, text);
    try {
      fs.renameSync(temp, file);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
  },
};
