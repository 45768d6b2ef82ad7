import { parseLedgerEntry, type LedgerEntryInput } from '../core/ledger/index.js';
import type { TelemetrySettings } from './config.js';
import type { Attached, Telemetry } from './attach.js';

// Pure (no `vscode` import): starts, restarts and stops telemetry as settings change; index.ts is the glue.

export interface TelemetryControllerDeps {
  /** attachTelemetry with the host's bundle path, name and price table bound. */
  attach(settings: TelemetrySettings): Promise<Attached>;
  log(line: string): void;
  /** Shown to the user once per distinct problem. */
  warn(line: string): void;
}

export class TelemetryController {
  private telemetry: Telemetry | undefined;
  /** Applies run one after another, so a quick series of settings changes never starts two exporters. */
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;
  private readonly warned = new Set<string>();

  constructor(private readonly deps: TelemetryControllerDeps) {}

  /** (Re)starts telemetry for these settings; with telemetry off, the bundle is never loaded. */
  apply(settings: TelemetrySettings, problems: readonly string[] = []): Promise<void> {
    this.queue = this.queue.then(async () => {
      await this.stop();
      if (this.disposed) return;
      for (const problem of problems) this.warnOnce(problem);
      try {
        const attached = await this.deps.attach(settings);
        for (const problem of attached.problems) this.warnOnce(problem);
        if (this.disposed) await attached.telemetry?.shutdown();
        else this.telemetry = attached.telemetry;
        if (attached.telemetry) this.deps.log(`telemetry: on (${attached.config.enabled ? attached.config.exporters.join(', ') : ''})`);
      } catch (error) {
        this.warnOnce(`telemetry could not start: ${(error as Error).message}`);
      }
    });
    return this.queue;
  }

  /** Each ledger append of this window; a metrics failure never reaches the chat. */
  record(entry: LedgerEntryInput): void {
    if (!this.telemetry) return;
    try {
      this.telemetry.record(parseLedgerEntry(entry));
    } catch (error) {
      this.deps.log(`telemetry: could not record a ledger entry: ${(error as Error).message}`);
    }
  }

  get active(): boolean {
    return this.telemetry !== undefined;
  }

  /** Where the Prometheus exporter serves this window's metrics, when it is on. */
  get metricsUrl(): string | undefined {
    return this.telemetry?.metricsUrl;
  }

  /** Flushes what is pending and closes the exporters (the metrics port too). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.queue = this.queue.then(() => this.stop());
    await this.queue;
  }

  private async stop(): Promise<void> {
    const telemetry = this.telemetry;
    this.telemetry = undefined;
    await telemetry?.shutdown().catch((error: unknown) => this.deps.log(`telemetry: shutdown: ${(error as Error).message}`));
  }

  private warnOnce(line: string): void {
    this.deps.log(line);
    if (this.warned.has(line)) return;
    this.warned.add(line);
    this.deps.warn(line);
  }
}
