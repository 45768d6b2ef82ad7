import * as vscode from 'vscode';
import { envOptsIn, loadTelemetryBundle } from '../../telemetry/load.js';
import type { ExtensionTelemetry } from '../../telemetry/extensionHost.js';
import type { TallyServices } from '../services.js';

/**
 * Opt-in metrics of this window's spend (tally.telemetry.*, TALLY_ENABLE_TELEMETRY and the OTEL_* variables).
 * Until the user opts in (the user-scope `tally.telemetry.enabled` or the variable), activation reads one
 * setting and nothing else: the settings logic and the OpenTelemetry SDK are all in dist/telemetry.js.
 */
export function registerTelemetry(context: vscode.ExtensionContext, services: TallyServices): void {
  let telemetry: ExtensionTelemetry | undefined;
  const apply = () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const config = vscode.workspace.getConfiguration('tally.telemetry', folder);
    if (!telemetry) {
      if (config.inspect('enabled')?.globalValue !== true && !envOptsIn(process.env)) return;
      try {
        telemetry = loadTelemetryBundle(context.asAbsolutePath('dist/telemetry.js')).createExtensionTelemetry({
          env: process.env,
          serviceVersion: String(context.extension.packageJSON.version ?? ''),
          priceTable: services.priceTable,
          log: (line) => services.log.info(line),
          warn: (line) => void vscode.window.showWarningMessage(`Tally: ${line}`),
        });
      } catch (error) {
        services.log.error(`telemetry: cannot load dist/telemetry.js: ${(error as Error).message}`);
        return;
      }
    }
    void telemetry.apply((key) => config.inspect(key));
  };
  // After activation returns: when telemetry is on, loading its bundle (about 12 ms) is not activation's cost.
  const initial = setImmediate(apply);
  context.subscriptions.push(
    { dispose: () => clearImmediate(initial) },
    services.onDidRecordSpend((event) => telemetry?.record(event.entry)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('tally.telemetry')) apply();
    }),
    { dispose: () => void telemetry?.dispose() },
  );
}
