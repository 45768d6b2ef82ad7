// Where metrics go, from the user's settings and the standard OpenTelemetry environment variables.
// Pure and free of OpenTelemetry imports: hosts call it before deciding whether to load dist/telemetry.js
// at all, so a user who never turns telemetry on pays for none of it.
import { envOptsIn, isTruthy } from './load.js';

export const METRICS_EXPORTERS = ['otlp', 'prometheus', 'console'] as const;
export type MetricsExporter = (typeof METRICS_EXPORTERS)[number];

/** The Prometheus exporter's registered port (OpenTelemetry's default). */
export const DEFAULT_PROMETHEUS_PORT = 9464;
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
const DEFAULT_EXPORT_INTERVAL_MS = 60_000;
const DEFAULT_EXPORT_TIMEOUT_MS = 30_000;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/** The `tally.telemetry.*` settings (or a host's flags); null or absent means "not set here, use the environment". */
export interface TelemetrySettings {
  enabled?: boolean | null;
  exporter?: MetricsExporter | null;
  otlpEndpoint?: string | null;
  otlpHeaders?: Record<string, string> | null;
  prometheusPort?: number | null;
  resourceAttributes?: Record<string, string> | null;
  team?: string | null;
  costCenter?: string | null;
  userEmail?: string | null;
}

/** Labels put on every data point, for chargeback: only what the user set. */
export interface TelemetryTags {
  team?: string;
  costCenter?: string;
  userEmail?: string;
}

export interface EnabledTelemetryConfig {
  enabled: true;
  exporters: MetricsExporter[];
  otlp: { url: string; headers: Record<string, string>; intervalMs: number; timeoutMs: number };
  /** Always a loopback address: the exporter is for a local Prometheus or collector to scrape. */
  prometheus: { host: string; port: number };
  resourceAttributes: Record<string, string>;
  tags: TelemetryTags;
}

export type TelemetryConfig = EnabledTelemetryConfig | { enabled: false; reason: string };

export interface ResolvedTelemetry {
  config: TelemetryConfig;
  /** One line each, naming the setting or variable; a bad value makes telemetry stay off rather than guess. */
  problems: string[];
}

type Env = Record<string, string | undefined>;

const present = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Off unless the user turned it on: `tally.telemetry.enabled`, `TALLY_ENABLE_TELEMETRY=1` (as Claude Code's
 * `CLAUDE_CODE_ENABLE_TELEMETRY`), or a host flag such as `--metrics-port`. The OTEL_* variables alone only
 * configure it, so a shell set up for another tool's collector does not start sending Tally's spend.
 * A setting wins over the environment.
 */
export function resolveTelemetryConfig(env: Env, settings: TelemetrySettings = {}): ResolvedTelemetry {
  const problems: string[] = [];
  const optedIn = settings.enabled === true || (settings.enabled !== false && envOptsIn(env));
  if (!optedIn)
    return { config: { enabled: false, reason: 'not enabled (tally.telemetry.enabled or TALLY_ENABLE_TELEMETRY=1)' }, problems };
  if (isTruthy(env.OTEL_SDK_DISABLED)) return { config: { enabled: false, reason: 'OTEL_SDK_DISABLED is set' }, problems };

  const exporters = settings.exporter ? [settings.exporter] : parseExporters(env.OTEL_METRICS_EXPORTER, problems);
  if (exporters.length === 0 && problems.length === 0)
    return { config: { enabled: false, reason: 'OTEL_METRICS_EXPORTER is none' }, problems };

  const endpoint = metricsUrl(settings.otlpEndpoint, env, problems);
  const headers = settings.otlpHeaders ?? {
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS, 'OTEL_EXPORTER_OTLP_HEADERS', problems),
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_METRICS_HEADERS, 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', problems),
  };
  const protocol = env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (exporters.includes('otlp') && protocol === 'grpc')
    problems.push('OTEL_EXPORTER_OTLP_PROTOCOL: grpc is not supported; Tally sends OTLP over HTTP (http/json, collector port 4318)');

  const port =
    settings.prometheusPort ??
    parseInteger(env.OTEL_EXPORTER_PROMETHEUS_PORT, 'OTEL_EXPORTER_PROMETHEUS_PORT', problems) ??
    DEFAULT_PROMETHEUS_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`tally.telemetry.prometheusPort: must be a port number from 0 to 65535, got ${port}`);
  const host = env.OTEL_EXPORTER_PROMETHEUS_HOST?.trim() || '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host))
    problems.push(`OTEL_EXPORTER_PROMETHEUS_HOST: Tally serves metrics on loopback only, got "${host}" (use 127.0.0.1 and scrape locally)`);

  const resourceAttributes = {
    ...parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES', problems),
    ...(present(env.OTEL_SERVICE_NAME) ? { 'service.name': env.OTEL_SERVICE_NAME.trim() } : {}),
    ...(settings.resourceAttributes ?? {}),
  };
  const tags: TelemetryTags = {};
  const team = pick(settings.team, env.TALLY_TELEMETRY_TEAM);
  const costCenter = pick(settings.costCenter, env.TALLY_TELEMETRY_COST_CENTER);
  const userEmail = pick(settings.userEmail, env.TALLY_TELEMETRY_USER_EMAIL);
  if (team) tags.team = team;
  if (costCenter) tags.costCenter = costCenter;
  if (userEmail) tags.userEmail = userEmail;

  const intervalMs = parseInteger(env.OTEL_METRIC_EXPORT_INTERVAL, 'OTEL_METRIC_EXPORT_INTERVAL', problems) ?? DEFAULT_EXPORT_INTERVAL_MS;
  const timeoutMs = parseInteger(env.OTEL_METRIC_EXPORT_TIMEOUT, 'OTEL_METRIC_EXPORT_TIMEOUT', problems) ?? DEFAULT_EXPORT_TIMEOUT_MS;

  if (problems.length > 0) return { config: { enabled: false, reason: problems[0]! }, problems };
  return {
    config: {
      enabled: true,
      exporters,
      otlp: { url: endpoint, headers, intervalMs, timeoutMs },
      prometheus: { host: host === 'localhost' ? '127.0.0.1' : host, port },
      resourceAttributes,
      tags,
    },
    problems,
  };
}

function pick(setting: string | null | undefined, envValue: string | undefined): string | undefined {
  if (present(setting)) return setting.trim();
  return present(envValue) ? envValue.trim() : undefined;
}

/** OTEL_METRICS_EXPORTER is a comma-separated list; the specification's default is otlp. */
function parseExporters(value: string | undefined, problems: string[]): MetricsExporter[] {
  const names = (value ?? 'otlp')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.includes('none')) return [];
  const exporters: MetricsExporter[] = [];
  for (const name of names.length > 0 ? names : ['otlp']) {
    if ((METRICS_EXPORTERS as readonly string[]).includes(name)) {
      if (!exporters.includes(name as MetricsExporter)) exporters.push(name as MetricsExporter);
    } else problems.push(`OTEL_METRICS_EXPORTER: unknown exporter "${name}" (use ${METRICS_EXPORTERS.join(', ')} or none)`);
  }
  return exporters;
}

/** The base endpoint gets the signal path appended; the metrics-specific variable is used as given (as the specification says). */
function metricsUrl(setting: string | null | undefined, env: Env, problems: string[]): string {
  const [name, raw, exact] = present(setting)
    ? ['tally.telemetry.otlpEndpoint', setting, false]
    : present(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT)
      ? ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, true]
      : [
          'OTEL_EXPORTER_OTLP_ENDPOINT',
          present(env.OTEL_EXPORTER_OTLP_ENDPOINT) ? env.OTEL_EXPORTER_OTLP_ENDPOINT : DEFAULT_OTLP_ENDPOINT,
          false,
        ];
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    problems.push(`${name}: must be a URL such as http://localhost:4318, got "${raw}"`);
    return raw;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push(`${name}: must start with http:// or https://, got "${raw}"`);
    return raw;
  }
  if (exact) return url.href;
  return `${url.href.replace(/\/+$/, '')}/v1/metrics`;
}

/** The W3C Baggage-like `key=value,key2=value2` form of OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES (values percent-encoded). */
export function parseKeyValueList(value: string | undefined, name: string, problems: string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (!present(value)) return pairs;
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    const at = item.indexOf('=');
    const key = at < 0 ? '' : item.slice(0, at).trim();
    if (key === '') {
      // Never echo the item: a header list carries credentials.
      problems.push(`${name}: every item must be key=value`);
      continue;
    }
    try {
      pairs[decodeURIComponent(key)] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      problems.push(`${name}: "${key}" has a badly percent-encoded value`);
    }
  }
  return pairs;
}

function parseInteger(value: string | undefined, name: string, problems: string[]): number | undefined {
  if (!present(value)) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    problems.push(`${name}: must be a whole number, got "${value}"`);
    return undefined;
  }
  return number;
}
