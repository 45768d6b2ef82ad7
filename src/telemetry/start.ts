import { randomUUID } from 'node:crypto';
import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { modelLookup, type LedgerEntry } from '../core/ledger/index.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo } from '../core/prices/schema.js';
import type { EnabledTelemetryConfig } from './config.js';
import { DURATION_BUCKETS, entryMeasurements, INSTRUMENTS, TOKEN_BUCKETS, type InstrumentKey } from './measurements.js';
import { servePrometheus, type MetricsServer } from './prometheusServer.js';

export interface TelemetryHost {
  /** `service.name` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise, e.g. tally-gateway, tally-vscode. */
  serviceName: string;
  serviceVersion?: string;
  /** Read on every record, so a changed prices file is used at once. */
  priceTable: () => PriceTable;
  /** Export failures and where metrics are served, one line each (never a header value). */
  log?: (line: string) => void;
}

/** What a host holds while telemetry is on: record each ledger entry right after it is appended. */
export interface Telemetry {
  record(entry: LedgerEntry): void;
  /** `http://127.0.0.1:PORT/metrics` when the Prometheus exporter is on. */
  readonly metricsUrl: string | undefined;
  /** Pushes what is pending to the OTLP or console exporter now (a short-lived process calls it before exit). */
  forceFlush(): Promise<void>;
  /** Flushes, then stops the exporters and closes the metrics port. */
  shutdown(): Promise<void>;
}

type Instrument = Counter | UpDownCounter | Histogram;

/**
 * Starts the exporters `config` names and returns the recorder. Nothing global is touched (no global
 * meter provider, no diag logger): in VS Code's extension host other extensions share the OpenTelemetry API.
 */
export async function startTelemetry(config: EnabledTelemetryConfig, host: TelemetryHost): Promise<Telemetry> {
  const log = host.log ?? (() => {});
  const readers: IMetricReader[] = [];
  let server: MetricsServer | undefined;
  let prometheus: PrometheusExporter | undefined;
  if (config.exporters.includes('prometheus')) {
    prometheus = new PrometheusExporter({ preventServerStart: true });
    readers.push(prometheus);
  }
  const push = (exporter: PushMetricExporter) =>
    readers.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: config.otlp.intervalMs,
        exportTimeoutMillis: Math.min(config.otlp.timeoutMs, config.otlp.intervalMs),
      }),
    );
  if (config.exporters.includes('otlp')) {
    const otlp = new OTLPMetricExporter({ url: config.otlp.url, headers: config.otlp.headers, timeoutMillis: config.otlp.timeoutMs });
    push(reportingFailures(otlp, `OTLP export to ${config.otlp.url}`, log));
  }
  if (config.exporters.includes('console')) push(new ConsoleMetricExporter());

  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': host.serviceName,
      ...(host.serviceVersion ? { 'service.version': host.serviceVersion } : {}),
      // Each process is its own stream: two VS Code windows must not overwrite each other's cumulative sums.
      'service.instance.id': randomUUID(),
      ...config.resourceAttributes,
    }),
    readers,
  });
  const instruments = createInstruments(provider.getMeter('tally', host.serviceVersion));

  if (prometheus) {
    try {
      server = await servePrometheus(prometheus, config.prometheus.host, config.prometheus.port);
    } catch (error) {
      await provider.shutdown();
      throw error;
    }
    log(`telemetry: Prometheus metrics at ${server.url}`);
  }

  let table: PriceTable | undefined;
  let models = new Map<string, ModelInfo>();
  let stopped = false;
  return {
    metricsUrl: server?.url,
    record(entry) {
      if (stopped) return;
      const current = host.priceTable();
      if (current !== table) {
        table = current;
        models = modelLookup(current);
      }
      for (const point of entryMeasurements(entry, { priceTable: current, models, tags: config.tags })) {
        const instrument = instruments[point.instrument];
        if ('add' in instrument) instrument.add(point.value, point.attributes);
        else instrument.record(point.value, point.attributes);
      }
    },
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      try {
        await provider.shutdown();
      } finally {
        await server?.close();
      }
    },
  };
}

function createInstruments(meter: Meter): Record<InstrumentKey, Instrument> {
  const entries = Object.entries(INSTRUMENTS).map(([key, spec]) => {
    const options = { unit: spec.unit, description: spec.description };
    const instrument =
      spec.kind === 'counter'
        ? meter.createCounter(spec.name, options)
        : spec.kind === 'updown'
          ? meter.createUpDownCounter(spec.name, options)
          : meter.createHistogram(spec.name, {
              ...options,
              advice: { explicitBucketBoundaries: key === 'genAiDuration' ? DURATION_BUCKETS : TOKEN_BUCKETS },
            });
    return [key, instrument] as const;
  });
  return Object.fromEntries(entries) as Record<InstrumentKey, Instrument>;
}

/** Says once when exports start failing and once when they recover, instead of one line per interval. */
function reportingFailures(exporter: PushMetricExporter, what: string, log: (line: string) => void): PushMetricExporter {
  let failing = false;
  return {
    export(metrics, done) {
      exporter.export(metrics, (result) => {
        const ok = result.code === 0;
        if (!ok && !failing) log(`telemetry: ${what} failed: ${result.error?.message ?? 'unknown error'} (will retry each interval)`);
        if (ok && failing) log(`telemetry: ${what} works again`);
        failing = !ok;
        done(result);
      });
    },
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    ...(exporter.selectAggregationTemporality
      ? { selectAggregationTemporality: exporter.selectAggregationTemporality.bind(exporter) }
      : {}),
    ...(exporter.selectAggregation ? { selectAggregation: exporter.selectAggregation.bind(exporter) } : {}),
  };
}
