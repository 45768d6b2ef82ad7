// What an import has read, kept next to the ledger's own index (LEDGER/.index/): per log file the size
// and mtime it had and the byte offset read to, so the next import reads only what was appended. It
// only saves work: what counts as already recorded is decided by the ledger's ids, so a lost or stale
// state file makes an import slower, never double-counting. A lock file keeps two imports (the CLI and
// the editor) from appending the same response at once.
import * as path from 'node:path';
import * as v from 'valibot';
import { nodeFileSystem } from '../ledger/fileSystem.js';
import { tryLockFile } from '../processLock.js';

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

/** Takes the import's lock; returns its release, or undefined when another live import holds it. */
export function acquireImportLock(dir: string, file: string, now: () => number = Date.now): (() => void) | undefined {
  nodeFileSystem.ensureDir(dir);
  return tryLockFile(file, STALE_LOCK_MS, now);
}
