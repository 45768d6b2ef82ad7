// A lock file between processes sharing a folder (the ledger's): created exclusively, holding the pid of
// its holder, and taken over when that process is gone or the file is older than the holder could be.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';

/** True while a process with this id exists (one we may not signal exists too). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock without waiting: returns its release, or undefined while a live process holds it.
 * A lock whose holder is gone, or older than `staleMs`, is removed and taken.
 */
export function tryLockFile(file: string, staleMs: number, now: () => number = Date.now): (() => void) | undefined {
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
    if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder) && age < staleMs) return undefined;
    rmSync(file, { force: true });
  }
  return undefined;
}
