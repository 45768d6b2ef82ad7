// What an import has read, kept next to the ledger's own index (LEDGER/.index/): per log file the size
// and mtime it had and the byte offset read to, so the next import reads only what was appended. It
// only saves work: what counts as already recorded is decided by the ledger's ids, so a lost or stale
// state file makes an import slower, never double-counting. A lock file keeps two imports (the CLI and
// the editor) from appending the same response at once.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import * as v from 'valibot';
import { nodeFileSystem } from '../ledger/fileSystem.js';

const FileState = v.object({ size: v.number(), mtimeMs: v.number(), offset: v.number() });
const StateSchema = v.object({ version: v.literal(1), files: v.record(v.string(), FileState) });
export type ImportState = v.InferOutput<typeof StateSchema>;
export type FileReadState = v.InferOutput<typeof FileState>;

export function importStatePaths(ledgerDir: string, name: string): { state: string; lock: string; dir: string } {
  const dir = path.join(ledgerDir, '.index');
  return { dir, state: path.join(dir, `import-${name}.json`), lock: path.join(dir, `import-${name}.lock`) };
}

export function loadImportState(file: string): ImportState {
  const text = nodeFileSystem.readText(file);
  if (text === undefined) return { version: 1, files: {} };
  try {
    const parsed = v.safeParse(StateSchema, JSON.parse(text));
    if (parsed.success) return parsed.output;
  } catch {
    // unreadable: start over (the ledger's ids still keep the import from counting anything twice)
  }
  return { version: 1, files: {} };
}

export function saveImportState(dir: string, file: string, state: ImportState): void {
  nodeFileSystem.ensureDir(dir);
  nodeFileSystem.writeTextAtomic(file, JSON.stringify(state));
}

/** A lock older than this is from an import that died without removing it. */
const STALE_LOCK_MS = 10 * 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock; returns its release, or undefined when another live import holds it. */
export function acquireImportLock(dir: string, file: string, now: () => number = Date.now): (() => void) | undefined {
  nodeFileSystem.ensureDir(dir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number(readFileSync(file, 'utf8'));
      age = now() - statSync(file).mtimeMs;
    } catch {
      continue; // released meanwhile: try again
    }
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder) && age < STALE_LOCK_MS) return undefined;
    rmSync(file, { force: true });
  }
  return undefined;
}
