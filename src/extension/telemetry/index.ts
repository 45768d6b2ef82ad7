import * as vscode from 'vscode';
import { attachTelemetry } from '../../telemetry/attach.js';
import type { TallyServices } from '../services.js';
import { TelemetryController } from './controller.js';
import { readTelemetrySettings } from './settings.js';

/**
 * Opt-in metrics of this window's spend (tally.telemetry.*, TALLY_ENABLE_TELEMETRY and the OTEL_* variables).
 * When off, activation reads a few settings and nothing else: dist/telemetry.js is loaded only once enabled.
 */
export function registerTelemetry(context: vscode.ExtensionContext, services: TallyServices): void {
  const controller = new TelemetryController({
    attach: (settings) =>
      attachTelemetry({
        env: process.env,
        settings,
        bundlePath: context.asAbsolutePath('dist/telemetry.js'),
        serviceName: 'tally-vscode',
        serviceVersion: String(context.extension.packageJSON.version ?? ''),
        priceTable: services.priceTable,
        log: (line) => services.log.info(line),
      }),
    log: (line) => services.log.info(line),
    warn: (line) => void vscode.window.showWarningMessage(`Tally: ${line}`),
  });
  const apply = () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const config = vscode.workspace.getConfiguration('tally.telemetry', folder);
    const { settings, problems } = readTelemetrySettings((key) => config.inspect(key));
    void controller.apply(settings, problems);
  };
  apply();
  context.subscriptions.push(
    services.onDidRecordSpend((event) => controller.record(event.entry)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('tally.telemetry')) apply();
    }),
    { dispose: () => void controller.dispose() },
  );
}
