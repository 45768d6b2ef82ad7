import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveTelemetryConfig, type EnabledTelemetryConfig } from '../../src/telemetry/config.js';

const on = { TALLY_ENABLE_TELEMETRY: '1' };
function enabled(env: Record<string, string>, settings = {}): EnabledTelemetryConfig {
  const { config, problems } = resolveTelemetryConfig(env, settings);
  assert.deepEqual(problems, []);
  assert.ok(config.enabled, 'telemetry is on');
  return config;
}

test('off by default, and OTEL_* variables alone (set up for another tool) do not turn it on', () => {
  assert.equal(resolveTelemetryConfig({}).config.enabled, false);
  const otherTool = {
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318',
    CLAUDE_CODE_ENABLE_TELEMETRY: '1',
  };
  assert.equal(resolveTelemetryConfig(otherTool).config.enabled, false);
  // The setting says no even when the environment says yes.
  assert.equal(resolveTelemetryConfig(on, { enabled: false }).config.enabled, false);
  assert.equal(resolveTelemetryConfig({ ...on, OTEL_SDK_DISABLED: 'true' }).config.enabled, false);
  assert.equal(resolveTelemetryConfig({ ...on, OTEL_METRICS_EXPORTER: 'none' }).config.enabled, false);
});

test('the standard variables configure it: OTLP by default at the collector port, the endpoint gains /v1/metrics', () => {
  const config = enabled({
    ...on,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318/',
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-scope=team%2Fpayments',
    OTEL_RESOURCE_ATTRIBUTES: 'department=eng,team.id=payments',
    OTEL_SERVICE_NAME: 'tally-laptop',
  });
  assert.deepEqual(config.exporters, ['otlp']);
  assert.equal(config.otlp.url, 'https://otel.example.com:4318/v1/metrics');
  assert.deepEqual(config.otlp.headers, { authorization: 'Bearer abc', 'x-scope': 'team/payments' });
  assert.deepEqual(config.resourceAttributes, { department: 'eng', 'team.id': 'payments', 'service.name': 'tally-laptop' });
  assert.equal(enabled(on).otlp.url, 'http://localhost:4318/v1/metrics');
  // The metrics-specific endpoint is used as given.
  assert.equal(enabled({ ...on, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/custom' }).otlp.url, 'http://c:4318/custom');
});

test('OTEL_METRICS_EXPORTER takes a list; Prometheus is served on loopback at 9464 or the given port', () => {
  const config = enabled({ ...on, OTEL_METRICS_EXPORTER: 'prometheus, console', OTEL_EXPORTER_PROMETHEUS_PORT: '9999' });
  assert.deepEqual(config.exporters, ['prometheus', 'console']);
  assert.deepEqual(config.prometheus, { host: '127.0.0.1', port: 9999 });
  assert.equal(enabled({ ...on, OTEL_METRICS_EXPORTER: 'prometheus' }).prometheus.port, 9464);
});

test('settings win over the environment (the gateway passes --metrics-port the same way)', () => {
  const config = enabled(
    { ...on, OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318', TALLY_TELEMETRY_TEAM: 'env-team' },
    { exporter: 'prometheus', prometheusPort: 0, otlpEndpoint: 'http://setting:4318', team: 'setting-team', costCenter: 'CC-7' },
  );
  assert.deepEqual(config.exporters, ['prometheus']);
  assert.equal(config.prometheus.port, 0);
  assert.equal(config.otlp.url, 'http://setting:4318/v1/metrics');
  assert.deepEqual(config.tags, { team: 'setting-team', costCenter: 'CC-7' });
  assert.equal(resolveTelemetryConfig({}, { enabled: true }).config.enabled, true);
});

test('chargeback tags come only from what the user set; user.email is never guessed', () => {
  assert.deepEqual(enabled(on).tags, {});
  assert.deepEqual(enabled({ ...on, TALLY_TELEMETRY_COST_CENTER: ' CC-1 ', TALLY_TELEMETRY_USER_EMAIL: 'ada@example.com' }).tags, {
    costCenter: 'CC-1',
    userEmail: 'ada@example.com',
  });
});

test('bad values keep telemetry off with a message naming the variable, never echoing a header value', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ OTEL_METRICS_EXPORTER: 'zipkin' }, /^OTEL_METRICS_EXPORTER: unknown exporter "zipkin"/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /^OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c:21' }, /must start with http/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /grpc is not supported/],
    [{ OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0' }, /loopback only/],
    [{ OTEL_EXPORTER_PROMETHEUS_PORT: 'ninety' }, /^OTEL_EXPORTER_PROMETHEUS_PORT: must be a whole number/],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '-5' }, /^OTEL_METRIC_EXPORT_INTERVAL/],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'sk-ant-secret-without-equals' }, /^OTEL_EXPORTER_OTLP_HEADERS: every item must be key=value$/],
  ];
  for (const [env, message] of cases) {
    const { config, problems } = resolveTelemetryConfig({ ...on, ...env });
    assert.equal(config.enabled, false, JSON.stringify(env));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!, message);
    assert.ok(!problems[0]!.includes('sk-ant-secret'));
  }
  const { problems } = resolveTelemetryConfig(on, { prometheusPort: 70000 });
  assert.match(problems[0]!, /^tally.telemetry.prometheusPort: must be a port number/);
});
