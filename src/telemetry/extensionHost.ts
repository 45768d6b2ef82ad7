// The extension's telemetry, inside dist/telemetry.js: src/extension/telemetry loads this bundle only once the
// user opted in, then hands it each settings change and each ledger append.
import type { LedgerEntryInput } from '../core/ledger/index.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import { attachTelemetry } from './attach.js';
import { TelemetryController } from './controller.js';
import { readTelemetrySettings, type InspectedSetting, type TelemetrySettingKey } from './settingScopes.js';
import { startTelemetry } from './start.js';

export interface ExtensionTelemetryHost {
  env: Record<string, string | undefined>;
  serviceVersion: string;
  priceTable: () => PriceTable;
  log: (line: string) => void;
  /** Shown to the user (once per distinct problem). */
  warn: (line: string) => void;
}

export interface ExtensionTelemetry {
  /** Re-reads `tally.telemetry.*` (each key's inspect()) and starts, restarts or stops the exporters. */
  apply(inspect: (key: TelemetrySettingKey) => InspectedSetting | undefined): Promise<void>;
  record(entry: LedgerEntryInput): void;
  readonly metricsUrl: string | undefined;
  dispose(): Promise<void>;
}

export function createExtensionTelemetry(host: ExtensionTelemetryHost): ExtensionTelemetry {
  const controller = new TelemetryController({
    attach: (settings) =>
      attachTelemetry({
        env: host.env,
        settings,
        bundlePath: { start: startTelemetry },
        serviceName: 'tally-vscode',
        serviceVersion: host.serviceVersion,
        priceTable: host.priceTable,
        log: host.log,
      }),
    log: host.log,
    warn: host.warn,
  });
  return {
    apply(inspect) {
      const { settings, problems } = readTelemetrySettings(inspect);
      return controller.apply(settings, problems);
    },
    record: (entry) => controller.record(entry),
    get metricsUrl() {
      return controller.metricsUrl;
    },
    dispose: () => controller.dispose(),
  };
}
