import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Ledger } from '../../core/ledger/index.js';
import type { TallyServices } from '../services.js';

/** How long to wait after a ledger file changes before re-reading (appends come in bursts). */
const SETTLE_MS = 250;
/** Re-read once a minute anyway: "today" turns over at midnight without any write. */
const TICK_MS = 60_000;

/**
 * The workspace's ledger for the spend views, and one event for "spend may have changed":
 * a request recorded by this window, a write by the CLI or another window (a watcher on the
 * ledger directory), a settings change (budgets, ledger directory, prices), or the clock.
 */
export class SpendSource implements vscode.Disposable {
  private watcher: fs.FSWatcher | undefined;
  private watchedDir: string | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly onDidChange = this.changed.event;

  constructor(private readonly services: TallyServices) {
    this.disposables.push(
      // An import can record thousands of entries at once: one refresh for the burst.
      services.onDidRecordSpend(() => this.changedSoon()),
      services.onDidChangeSettings(() => {
        this.watch();
        this.changed.fire();
      }),
    );
    const tick = setInterval(() => this.changed.fire(), TICK_MS);
    this.disposables.push({ dispose: () => clearInterval(tick) });
    this.watch();
  }

  /** The window's one ledger (shared with the chat, the gateway and the import), so its running totals stay warm. */
  ledger(): Ledger {
    return this.services.ledger();
  }

  private burst: ReturnType<typeof setTimeout> | undefined;
  private changedSoon(): void {
    if (this.burst) return;
    this.burst = setTimeout(() => {
      this.burst = undefined;
      this.changed.fire();
    }, 0);
  }

  private watch(): void {
    const dir = this.services.ledgerDirectory();
    if (dir === this.watchedDir && this.watcher) return;
    this.watcher?.close();
    this.watcher = undefined;
    this.watchedDir = dir;
    try {
      // The ledger creates its directory on first append; creating it now lets us watch before that.
      fs.mkdirSync(dir, { recursive: true });
      this.watcher = fs.watch(dir, (_event, name) => {
        if (name && !String(name).endsWith('.jsonl')) return;
        clearTimeout(this.settleTimer);
        this.settleTimer = setTimeout(() => this.changed.fire(), SETTLE_MS);
      });
      this.watcher.on('error', (error) => this.services.log.warn(`spend: stopped watching ${dir}: ${error.message}`));
    } catch (error) {
      // Still updated by this window's own requests and the minute tick.
      this.services.log.warn(`spend: cannot watch the ledger directory ${dir}: ${(error as Error).message}`);
    }
  }

  dispose(): void {
    clearTimeout(this.settleTimer);
    this.watcher?.close();
    for (const d of this.disposables) d.dispose();
  }
}
