/**
 * Opt-in OpenTelemetry metrics for Tally's spend, built as its own bundle (dist/telemetry.js) that hosts
 * load by path only when the user turned telemetry on, so the extension and CLI bundles carry none of it.
 *
 *   // a CLI host (src/cli/commands/gateway.ts): resolves the config, loads this bundle only if enabled
 *   const telemetry = await attachCliTelemetry({ env, serviceName: 'tally-gateway', priceTable, metricsPort, log });
 *   const ledger = telemetry ? recordingLedger(openLedger(dir), telemetry) : openLedger(dir);
 *   await telemetry?.shutdown();
 *
 *   // the extension (src/extension/telemetry): loads this bundle once the user opted in
 *   const telemetry = loadTelemetryBundle(path).createExtensionTelemetry(host);
 *   await telemetry.apply((key) => config.inspect(key)); telemetry.record(entry);
 */
export { startTelemetry } from './start.js';
export type { Telemetry, TelemetryHost } from './start.js';
export { createExtensionTelemetry } from './extensionHost.js';
export type { ExtensionTelemetry, ExtensionTelemetryHost } from './extensionHost.js';
