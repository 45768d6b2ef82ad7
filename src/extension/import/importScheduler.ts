// When the editor runs the Claude Code import: after a quiet spell once logs change (Claude Code writes
// several lines per turn), one run at a time (a change during a run asks for one more), again shortly
// when a run left responses still being written or found another import holding the lock.
// No vscode here, so it is tested with a hand-driven clock.

export interface ImportRunResult {
  /** Responses still being written: the run should be repeated once they settle. */
  pending: number;
  /** Another import held the lock: nothing was done. */
  locked: boolean;
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ImportSchedulerOptions {
  run: () => Promise<ImportRunResult>;
  onError: (error: unknown) => void;
  /** Quiet time after a change before running. */
  debounceMs: number;
  /** When to look again at responses still being written (just past the import's settle time). */
  pendingRetryMs: number;
  /** When to try again after finding the lock held. */
  lockedRetryMs: number;
  timers?: Timers;
}

const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ImportScheduler {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;
  private readonly timers: Timers;

  constructor(private readonly options: ImportSchedulerOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** Asks for a run after `delayMs` (the debounce by default); a later request restarts the wait. */
  request(delayMs = this.options.debounceMs): void {
    if (this.disposed) return;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.start();
    }, delayMs);
  }

  /** Resolves when the run in progress (if any) has finished. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.options
      .run()
      .then(
        (result) => {
          if (this.again) this.request();
          else if (result.locked) this.request(this.options.lockedRetryMs);
          else if (result.pending > 0) this.request(this.options.pendingRetryMs);
        },
        (error: unknown) => {
          this.options.onError(error);
          if (this.again) this.request();
        },
      )
      .finally(() => {
        this.running = undefined;
        this.again = false;
      });
  }
}
