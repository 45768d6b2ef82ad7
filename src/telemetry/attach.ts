// The one call a host makes (the gateway, the extension, a CLI command): decide from the user's settings and
// environment whether telemetry is on and, only then, load dist/telemetry.js by path and start it. This file
// and ./config.js are all a host bundles; the OpenTelemetry SDK stays in the separate bundle.
import { basename, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { parseLedgerEntry, type Ledger } from '../core/ledger/index.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import { resolveTelemetryConfig, type TelemetryConfig, type TelemetrySettings } from './config.js';
import { loadTelemetryBundle } from './load.js';
import type { startTelemetry, Telemetry } from './start.js';

export type { Telemetry } from './start.js';

export interface AttachOptions {
  env: Record<string, string | undefined>;
  /** The host's settings or flags (win over the environment). */
  settings?: TelemetrySettings;
  /** Absolute path of dist/telemetry.js, loaded only if telemetry is on; or, inside the bundle, its startTelemetry. */
  bundlePath: string | { start: typeof startTelemetry };
  serviceName: string;
  serviceVersion?: string;
  priceTable: () => PriceTable;
  log?: (line: string) => void;
}

export interface Attached {
  /** Undefined when telemetry is off (then nothing was loaded). */
  telemetry: Telemetry | undefined;
  config: TelemetryConfig;
  /** Bad settings or variables, one line each; telemetry stays off when there is any. */
  problems: string[];
}

/** Resolves the config; loads and starts the bundle only when the user turned telemetry on. */
export async function attachTelemetry(options: AttachOptions): Promise<Attached> {
  const { config, problems } = resolveTelemetryConfig(options.env, options.settings);
  if (!config.enabled) return { telemetry: undefined, config, problems };
  const start = typeof options.bundlePath === 'string' ? loadTelemetryBundle(options.bundlePath).startTelemetry : options.bundlePath.start;
  const telemetry = await start(config, {
    serviceName: options.serviceName,
    ...(options.serviceVersion ? { serviceVersion: options.serviceVersion } : {}),
    priceTable: options.priceTable,
    ...(options.log ? { log: options.log } : {}),
  });
  return { telemetry, config, problems };
}

/** dist/telemetry.js beside the running bundle (dist/cli.js, dist/extension.js), or in dist/ when run from source. */
export function defaultBundlePath(): string {
  return basename(__dirname) === 'dist' ? join(__dirname, 'telemetry.js') : resolve(__dirname, '../../dist/telemetry.js');
}

/**
 * For a command-line host (`tally gateway`): `--metrics-port N` turns on the Prometheus exporter on
 * 127.0.0.1:N (0 for any free port); without it the environment decides. A bad setting is an InputError
 * (exit 2), since the user asked for telemetry and would otherwise silently get none.
 */
export async function attachCliTelemetry(options: {
  env: Record<string, string | undefined>;
  serviceName: string;
  priceTable: () => PriceTable;
  metricsPort?: number | undefined;
  log: (line: string) => void;
}): Promise<Telemetry | undefined> {
  const settings: TelemetrySettings =
    options.metricsPort === undefined ? {} : { enabled: true, exporter: 'prometheus', prometheusPort: options.metricsPort };
  const { telemetry, problems } = await attachTelemetry({ ...options, settings, bundlePath: defaultBundlePath() }).catch((error: Error) => {
    throw new InputError(`telemetry: ${error.message}`);
  });
  if (problems.length > 0) throw new InputError(`telemetry: ${problems[0]}`);
  return telemetry;
}

/**
 * A ledger whose appends are also recorded as metrics. An entry the ledger refuses as malformed (it throws)
 * is not counted; one it keeps aside for a full or read-only disk is, since it stays in the books and is
 * written later. A metrics failure never loses the entry.
 */
export function recordingLedger<L extends Pick<Ledger, 'append'>>(
  ledger: L,
  telemetry: Pick<Telemetry, 'record'>,
  log?: (line: string) => void,
): L {
  const append = ledger.append.bind(ledger);
  const wrapped = Object.create(ledger) as L;
  wrapped.append = (entry) => {
    const result = append(entry);
    try {
      // The entry as readers see it (defaults filled in); it has just passed the same validation.
      telemetry.record(parseLedgerEntry(entry));
    } catch (error) {
      log?.(`telemetry: could not record a ledger entry: ${(error as Error).message}`);
    }
    return result;
  };
  return wrapped;
}
