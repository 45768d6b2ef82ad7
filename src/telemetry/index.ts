/**
 * Opt-in OpenTelemetry metrics for Tally's spend, built as its own bundle (dist/telemetry.js) that hosts
 * load by path only when the user turned telemetry on, so the extension and CLI bundles carry none of it.
 *
 *   const { config, problems } = resolveTelemetryConfig(process.env, settings); // from ./config.js, no OpenTelemetry
 *   if (config.enabled) {
 *     const { startTelemetry } = loadTelemetryBundle(distDir);                 // require(dist/telemetry.js)
 *     const telemetry = await startTelemetry(config, { serviceName: 'tally-gateway', priceTable: () => table });
 *     ledger.append(entry); telemetry.record(entry);
 *     await telemetry.shutdown();
 *   }
 */
export { startTelemetry } from './start.js';
export type { Telemetry, TelemetryHost } from './start.js';
