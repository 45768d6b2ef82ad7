// The OTLP/HTTP exporter against a local receiver: a small HTTP server that decodes the JSON payload the
// way a collector does. Loads dist/telemetry.js by path, as hosts do.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildLedgerEntry, entryTotals, modelLookup, type LedgerEntry } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { attachTelemetry, recordingLedger } from '../../src/telemetry/attach.js';
import { REPO } from './telemetryTools.js';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number };
}
interface OtlpPoint {
  attributes: OtlpAttribute[];
  asDouble?: number;
  asInt?: string | number;
  sum?: number;
  count?: string | number;
}
interface OtlpMetric {
  name: string;
  unit: string;
  sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean };
  histogram?: { dataPoints: OtlpPoint[] };
}
interface OtlpRequest {
  resourceMetrics: { resource: { attributes: OtlpAttribute[] }; scopeMetrics: { scope: { name: string }; metrics: OtlpMetric[] }[] }[];
}

const table = bundledPriceTable();
const bundlePath = join(REPO, 'dist/telemetry.js');
let receiver: Server;
let endpoint: string;
const received: { path: string; headers: IncomingHttpHeaders; body: OtlpRequest }[] = [];

before(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      assert.equal(request.headers['content-type'], 'application/json');
      received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(body) as OtlpRequest });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const attributes = (point: { attributes: OtlpAttribute[] }) =>
  Object.fromEntries(point.attributes.map((a) => [a.key, a.value.stringValue ?? a.value.intValue ?? a.value.doubleValue]));
const pointValue = (point: OtlpPoint) => point.asDouble ?? Number(point.asInt);

function entry(model: string, usage: LedgerEntry['usage'], startedAt: number, status: LedgerEntry['status'] = 'ok'): LedgerEntry {
  return buildLedgerEntry(table, {
    startedAt,
    workspace: { path: '/home/ada/src/checkout', name: 'checkout' },
    source: 'vscode-chat',
    client: 'tally',
    model: resolveModel(table, model),
    defaultModel: resolveModel(table, 'opus'),
    usage,
    status,
    durationMs: 2300,
  });
}

test('OTLP over HTTP delivers the ledger entries as the documented metrics, with headers and resource attributes from the environment', async () => {
  const appended: LedgerEntry[] = [];
  const { telemetry, problems } = await attachTelemetry({
    env: {
      TALLY_ENABLE_TELEMETRY: 'true',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20team-token,x-team=payments',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev,department=engineering',
      OTEL_METRIC_EXPORT_INTERVAL: '3600000',
    },
    settings: { team: 'payments', userEmail: 'ada@example.com' },
    bundlePath,
    serviceName: 'tally-vscode',
    serviceVersion: '0.1.0',
    priceTable: () => table,
  });
  assert.deepEqual(problems, []);
  assert.ok(telemetry);
  const ledger = recordingLedger({ append: (e: LedgerEntry) => (appended.push(e), { written: true as const }) }, telemetry);
  const now = Date.parse('2026-11-20T10:00:00Z');
  ledger.append(
    entry('sonnet', { input_tokens: 1200, output_tokens: 300, cache_read_input_tokens: 20000, cache_creation_input_tokens: 500 }, now),
  );
  ledger.append(entry('haiku', { input_tokens: 800, output_tokens: 90 }, now + 1000));
  ledger.append(entry('haiku', { input_tokens: 50, output_tokens: 3 }, now + 2000, 'aborted'));
  await telemetry.shutdown(); // flushes
  assert.equal(received.length, 1);
  const [request] = received;
  assert.equal(request!.path, '/v1/metrics');
  assert.equal(request!.headers.authorization, 'Bearer team-token');
  assert.equal(request!.headers['x-team'], 'payments');

  const [resource] = request!.body.resourceMetrics;
  const resourceAttributes = attributes(resource!.resource);
  assert.equal(resourceAttributes['service.name'], 'tally-vscode');
  assert.equal(resourceAttributes['service.version'], '0.1.0');
  assert.equal(resourceAttributes['deployment.environment'], 'dev');
  assert.equal(resourceAttributes.department, 'engineering');
  assert.match(String(resourceAttributes['service.instance.id']), /^[0-9a-f-]{36}$/);

  const metrics = new Map(resource!.scopeMetrics.flatMap((scope) => scope.metrics).map((metric) => [metric.name, metric]));
  const points = (name: string) => {
    const metric = metrics.get(name);
    assert.ok(metric, `${name} was exported`);
    return (metric.sum ?? metric.histogram)!.dataPoints;
  };
  const sum = (name: string, where: Record<string, string> = {}) =>
    points(name)
      .filter((p) => Object.entries(where).every(([k, v]) => attributes(p)[k] === v))
      .reduce((total, p) => total + (p.sum ?? pointValue(p)), 0);

  const models = modelLookup(table);
  const totals = appended.map((e) => entryTotals(e, models, table, e.ts.slice(0, 10)));
  const add = (
    field: 'usd' | 'cacheSavingsUsd' | 'routingSavingsUsd' | 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens',
  ) => totals.reduce((total, t) => total + t[field], 0);
  assert.ok(Math.abs(sum('tally.cost.usage') - add('usd')) < 1e-12);
  assert.equal(metrics.get('tally.cost.usage')!.unit, '{USD}');
  assert.equal(metrics.get('tally.cost.usage')!.sum!.isMonotonic, true);
  assert.equal(sum('tally.token.usage', { type: 'input' }), add('inputTokens'));
  assert.equal(sum('tally.token.usage', { type: 'output' }), add('outputTokens'));
  assert.equal(sum('tally.token.usage', { type: 'cacheRead' }), add('cacheReadTokens'));
  assert.equal(sum('tally.token.usage', { type: 'cacheCreation' }), add('cacheWriteTokens'));
  assert.ok(Math.abs(sum('tally.cache.savings') - add('cacheSavingsUsd')) < 1e-12);
  assert.ok(Math.abs(sum('tally.routing.savings') - add('routingSavingsUsd')) < 1e-12);
  assert.ok(add('routingSavingsUsd') > 0, 'Sonnet and Haiku against an Opus default save by routing');
  assert.equal(sum('tally.requests', { status: 'aborted' }), 1);
  assert.equal(
    sum('gen_ai.client.token.usage', { 'gen_ai.token.type': 'input' }),
    add('inputTokens') + add('cacheReadTokens') + add('cacheWriteTokens'),
  );
  assert.equal(metrics.get('gen_ai.client.operation.duration')!.unit, 's');
  assert.equal(sum('gen_ai.client.operation.duration'), 3 * 2.3);
  assert.deepEqual(
    points('gen_ai.client.operation.duration')
      .map((p) => attributes(p)['error.type'])
      .sort(),
    ['aborted', undefined, undefined],
  );

  const labels = attributes(points('tally.cost.usage')[0]!);
  assert.equal(labels.team, 'payments');
  assert.equal(labels['user.email'], 'ada@example.com');
  assert.equal(labels.workspace, 'checkout');
  assert.equal(labels.source, 'vscode-chat');
  assert.equal(labels.cost_center, undefined, 'a tag the user did not set is not sent');
  const everything = JSON.stringify(request!.body);
  assert.ok(!everything.includes('/home/ada'), 'workspace paths never leave the machine');
});

test('telemetry that is not turned on loads nothing and sends nothing, even with OTEL_* variables set for another tool', async () => {
  const before = received.length;
  const { telemetry, config } = await attachTelemetry({
    env: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, CLAUDE_CODE_ENABLE_TELEMETRY: '1' },
    bundlePath: '/nonexistent/telemetry.js', // loading it would throw
    serviceName: 'tally-vscode',
    priceTable: () => table,
  });
  assert.equal(telemetry, undefined);
  assert.equal(config.enabled, false);
  assert.equal(received.length, before);
});

test('an unreachable collector is reported once, and recording goes on', async () => {
  const lines: string[] = [];
  const { telemetry } = await attachTelemetry({
    env: { TALLY_ENABLE_TELEMETRY: '1', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_METRIC_EXPORT_TIMEOUT: '2000' },
    bundlePath,
    serviceName: 'tally-gateway',
    priceTable: () => table,
    log: (line) => lines.push(line),
  });
  assert.ok(telemetry);
  telemetry.record(entry('haiku', { input_tokens: 10, output_tokens: 1 }, Date.now()));
  await telemetry.forceFlush().catch(() => undefined);
  telemetry.record(entry('haiku', { input_tokens: 10, output_tokens: 1 }, Date.now()));
  await telemetry.forceFlush().catch(() => undefined);
  await telemetry.shutdown().catch(() => undefined);
  const failures = lines.filter((line) => line.includes('OTLP export to http://127.0.0.1:1/v1/metrics failed'));
  assert.equal(failures.length, 1, lines.join('\n'));
});
