import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { LedgerEntry } from './entry.js';
import type { LedgerFileSystem } from './fileSystem.js';

/**
 * Entries that reached the server but could not be written to the ledger (read-only directory,
 * full disk, file too large). They are never dropped: each is kept in memory, so this process's
 * spend and budgets still count it, and in a side file of its own outside the ledger directory,
 * so it survives a crash. The next successful write, in this process or any later one, moves
 * them into the ledger.
 */
export class PendingEntries {
  private readonly memory: { entry: LedgerEntry; line: string }[] = [];
  private readonly prefix: string;
  private readonly ownFile: string;

  constructor(
    private readonly fs: LedgerFileSystem,
    ledgerDir: string,
    private readonly sideDir: string,
    private readonly pid = process.pid,
    private readonly isAlive: (pid: number) => boolean = processIsAlive,
  ) {
    this.prefix = createHash('sha256').update(path.resolve(ledgerDir)).digest('hex').slice(0, 16);
    this.ownFile = path.join(sideDir, `${this.prefix}.${pid}.jsonl`);
  }

  get entries(): readonly LedgerEntry[] {
    return this.memory.map((item) => item.entry);
  }

  /** Keeps an entry the ledger refused; returns the side file it is also in, or null if that failed too. */
  keep(entry: LedgerEntry): string | null {
    const line = `${JSON.stringify(entry)}\n`;
    this.memory.push({ entry, line });
    try {
      this.fs.ensureDir(this.sideDir);
      this.fs.appendLine(this.ownFile, line);
      return this.ownFile;
    } catch {
      return null;
    }
  }

  /**
   * Writes every kept entry with `write` (this process's, and those left by processes that have
   * died), each exactly once, oldest first. Returns how many moved; stops at the first write that
   * fails (it throws), keeping the rest.
   */
  flush(write: (line: string) => void): number {
    for (const file of this.orphanFiles()) this.adopt(file);
    let moved = 0;
    while (this.memory.length > 0) {
      write(this.memory[0]!.line);
      this.memory.shift();
      moved++;
    }
    if (moved > 0) this.fs.remove(this.ownFile);
    return moved;
  }

  /** Side files of this ledger left by processes that are gone. */
  private orphanFiles(): string[] {
    return this.fs
      .list(this.sideDir)
      .filter((name) => name.startsWith(`${this.prefix}.`) && name.endsWith('.jsonl'))
      .filter((name) => {
        const pid = Number(name.slice(this.prefix.length + 1, -'.jsonl'.length));
        return Number.isInteger(pid) && pid !== this.pid && !this.isAlive(pid);
      })
      .map((name) => path.join(this.sideDir, name));
  }

  /** Takes over a dead process's file: renamed first, so only one claimant wins, then kept as this process's own. */
  private adopt(file: string): void {
    const claimed = `${file}.claimed-${this.pid}`;
    try {
      this.fs.rename(file, claimed);
    } catch {
      return; // another process claimed it first
    }
    for (const line of (this.fs.readText(claimed) ?? '').split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.keep(JSON.parse(line) as LedgerEntry);
      } catch {
        // a torn last line from the process that died: it was never a whole entry
      }
    }
    this.fs.remove(claimed);
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
