import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildLedgerEntry } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import {
  readTelemetrySettings,
  TELEMETRY_SETTINGS,
  type InspectedSetting,
  type TelemetrySettingKey,
} from '../../src/telemetry/settingScopes.js';
import { loadTelemetryBundle } from '../../src/telemetry/load.js';
import packageJson from '../../package.json';
import { REPO } from './telemetryTools.js';

const table = bundledPriceTable();
const inspector = (values: Partial<Record<TelemetrySettingKey, InspectedSetting>>) => (key: TelemetrySettingKey) => values[key];

test('package.json declares each telemetry setting with the scope the code enforces (user-only for where data goes)', () => {
  const declared = packageJson.contributes.configuration.properties as Record<string, { scope?: string }>;
  for (const [key, { scope }] of Object.entries(TELEMETRY_SETTINGS)) assert.equal(declared[`tally.telemetry.${key}`]?.scope, scope, key);
  for (const key of ['enabled', 'exporter', 'otlpEndpoint', 'otlpHeaders', 'prometheusPort'] as const)
    assert.ok(['application', 'machine'].includes(TELEMETRY_SETTINGS[key].scope), key);
});

test("a cloned repository's settings cannot turn telemetry on or send it elsewhere; its cost center is used", () => {
  const { settings, problems } = readTelemetrySettings(
    inspector({
      enabled: { workspaceValue: true },
      otlpEndpoint: { globalValue: 'https://mine:4318', workspaceFolderValue: 'https://attacker:4318' },
      costCenter: { globalValue: 'CC-default', workspaceValue: 'CC-repo' },
    }),
  );
  assert.equal(settings.enabled, undefined);
  assert.equal(settings.otlpEndpoint, 'https://mine:4318');
  assert.equal(settings.costCenter, 'CC-repo');
  assert.deepEqual(
    problems.map((p) => p.split(':')[0]),
    ['tally.telemetry.enabled', 'tally.telemetry.otlpEndpoint'],
  );
  assert.match(problems[0]!, /set by this workspace, ignored/);
});

test('bad setting values are named and ignored', () => {
  const { settings, problems } = readTelemetrySettings(
    inspector({ prometheusPort: { globalValue: 99999 }, exporter: { globalValue: 'zipkin' }, team: { globalValue: '  payments ' } }),
  );
  assert.deepEqual(settings, { team: 'payments' });
  assert.deepEqual(problems, [
    'tally.telemetry.exporter: must be one of otlp, prometheus, console; ignored',
    'tally.telemetry.prometheusPort: must be 0 to 65535; ignored',
  ]);
});

test('the bundle the extension loads serves metrics while enabled, and turning the setting off closes the port', async () => {
  const warnings: string[] = [];
  const telemetry = loadTelemetryBundle(join(REPO, 'dist/telemetry.js')).createExtensionTelemetry({
    env: {},
    serviceVersion: '0.1.0',
    priceTable: () => table,
    log: () => {},
    warn: (line) => warnings.push(line),
  });
  const user = (values: Partial<Record<TelemetrySettingKey, unknown>>) =>
    inspector(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { globalValue: v }])));
  const entry = buildLedgerEntry(table, {
    startedAt: Date.now(),
    workspace: { path: '/w/app', name: 'app' },
    source: 'chat',
    client: 'tally',
    model: resolveModel(table, 'haiku'),
    defaultModel: resolveModel(table, 'sonnet'),
    usage: { input_tokens: 1000, output_tokens: 100 },
    status: 'ok',
    durationMs: 900,
  });

  await telemetry.apply(user({}));
  assert.equal(telemetry.metricsUrl, undefined, 'off by default');
  telemetry.record(entry); // no-op, no throw

  await telemetry.apply(user({ enabled: true, exporter: 'prometheus', prometheusPort: 0 }));
  const url = telemetry.metricsUrl!;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  telemetry.record(entry);
  const text = await (await fetch(url)).text();
  assert.match(text, new RegExp(`tally_cost_usage_total\\{[^}]*source="chat"[^}]*\\} ${entry.usd}\\b`));
  assert.match(text, /service_name="tally-vscode"/);

  await telemetry.apply(user({ enabled: false }));
  assert.equal(telemetry.metricsUrl, undefined);
  await assert.rejects(fetch(url));

  // A value that cannot work keeps telemetry off and says why, naming the setting.
  await telemetry.apply(user({ enabled: true, exporter: 'prometheus', prometheusPort: 0, otlpEndpoint: 'collector:4318' }));
  assert.equal(telemetry.metricsUrl, undefined);
  assert.match(warnings.at(-1)!, /^tally\.telemetry\.otlpEndpoint: must start with http:\/\/ or https:\/\//);
  await telemetry.dispose();
});
