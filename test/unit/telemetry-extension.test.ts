import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildLedgerEntry } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { TelemetryController } from '../../src/extension/telemetry/controller.js';
import {
  readTelemetrySettings,
  TELEMETRY_SETTINGS,
  type InspectedSetting,
  type TelemetrySettingKey,
} from '../../src/extension/telemetry/settings.js';
import { attachTelemetry } from '../../src/telemetry/attach.js';
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

test('the controller serves metrics while enabled, and turning the setting off closes the port', async () => {
  const warnings: string[] = [];
  const controller = new TelemetryController({
    attach: (settings) =>
      attachTelemetry({
        env: {},
        settings,
        bundlePath: join(REPO, 'dist/telemetry.js'),
        serviceName: 'tally-vscode',
        priceTable: () => table,
      }),
    log: () => {},
    warn: (line) => warnings.push(line),
  });
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

  await controller.apply({});
  assert.equal(controller.active, false, 'off by default');
  controller.record(entry); // no-op, no throw

  await controller.apply({ enabled: true, exporter: 'prometheus', prometheusPort: 0 });
  assert.equal(controller.active, true);
  const url = controller.metricsUrl!;
  controller.record(entry);
  const text = await (await fetch(url)).text();
  assert.match(text, new RegExp(`tally_cost_usage_total\\{[^}]*source="chat"[^}]*\\} ${entry.usd}\\b`));

  await controller.apply({ enabled: false });
  assert.equal(controller.active, false);
  await assert.rejects(fetch(url));

  await controller.apply({ enabled: true, exporter: 'prometheus', prometheusPort: 70000 });
  assert.equal(controller.active, false);
  assert.match(warnings.at(-1)!, /prometheusPort: must be a port number/);
  await controller.dispose();
});
