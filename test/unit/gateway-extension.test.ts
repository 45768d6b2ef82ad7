// The gateway in VS Code: who decides it runs, where it forwards, that a workspace cannot steer it,
// and registerGateway itself against a fake `vscode` (consent, terminal environment, copy command).
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openLedger } from '../../src/core/ledger/index.js';
import { sharedLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { DEFAULT_SETTINGS } from '../../src/extension/settings.js';
import {
  chooseUpstream,
  gatewayDecision,
  GATEWAY_SETTING_KEYS,
  resolveGatewaySettings,
  USER_ONLY_KEYS,
  type SettingValues,
} from '../../src/extension/gateway/settings.js';
import { startFakeAnthropic } from '../../src/simulator/server.js';
import packageJson from '../../package.json';
import { FakeEmitter, installFakeVscode } from './gatewayFakeVscode.js';
import { scratchDir } from './scratch.js';

const values =
  (user: Record<string, unknown>, workspace: Record<string, unknown> = {}) =>
  (key: string): SettingValues => ({
    user: user[key],
    workspace: workspace[key],
  });

test('a workspace cannot turn the gateway on, point it elsewhere or change requests; it may turn the loop guard off', () => {
  const resolved = resolveGatewaySettings(
    values({}, { enabled: true, upstream: 'https://evil.example', port: 1234, placeCache: true, routeByRules: true, loopGuard: 0 }),
  );
  assert.equal(resolved.settings.enabled, null);
  assert.equal(resolved.settings.upstream, null);
  assert.equal(resolved.settings.port, 0);
  assert.equal(resolved.settings.placeCache, false);
  assert.equal(resolved.settings.routeByRules, false);
  assert.equal(resolved.settings.loopGuard, null, 'a workspace that says so has no loop guard');
  assert.deepEqual(resolved.ignoredFromWorkspace.sort(), [
    'tally.gateway.enabled',
    'tally.gateway.placeCache',
    'tally.gateway.port',
    'tally.gateway.routeByRules',
    'tally.gateway.upstream',
  ]);
  const user = resolveGatewaySettings(
    values({ enabled: true, upstream: ' https://proxy.corp.example/anthropic ', port: 8931, loopGuard: 5 }),
  );
  assert.deepEqual(user.settings, {
    enabled: true,
    port: 8931,
    upstream: 'https://proxy.corp.example/anthropic',
    loopGuard: 5,
    placeCache: false,
    routeByRules: false,
  });
  assert.deepEqual(user.problems, []);
});

test('bad gateway settings are reported by name and the defaults used', () => {
  const { settings, problems } = resolveGatewaySettings(
    values({ enabled: 'yes', port: 70000, upstream: 'ftp://x', loopGuard: 1, placeCache: 'on' }),
  );
  assert.deepEqual(settings, { enabled: null, port: 0, upstream: null, loopGuard: 3, placeCache: false, routeByRules: false });
  assert.deepEqual(problems, [
    'tally.gateway.enabled: must be true or false',
    'tally.gateway.port: must be a whole number from 0 to 65535',
    'tally.gateway.upstream: "ftp://x" must start with http:// or https://',
    'tally.gateway.loopGuard: must be 0 (off) or a whole number of repeats ≥ 2',
    'tally.gateway.placeCache: must be true or false',
  ]);
});

test('the gateway runs when the user says so, or accepted the one-time question; until then it asks', () => {
  const base = resolveGatewaySettings(values({})).settings;
  assert.equal(gatewayDecision(base, undefined), 'ask');
  assert.equal(gatewayDecision(base, 'accepted'), 'run');
  assert.equal(gatewayDecision(base, 'declined'), 'off');
  assert.equal(gatewayDecision({ ...base, enabled: false }, 'accepted'), 'off');
  assert.equal(gatewayDecision({ ...base, enabled: true }, 'declined'), 'run');
});

test('it forwards to the setting, else a proxy the editor already uses, never to a Tally gateway', () => {
  const base = resolveGatewaySettings(values({})).settings;
  assert.equal(chooseUpstream(base, {}), 'https://api.anthropic.com');
  assert.equal(chooseUpstream(base, { ANTHROPIC_BASE_URL: 'https://proxy.corp.example' }), 'https://proxy.corp.example');
  assert.equal(chooseUpstream(base, { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000/t/abcdefghijklmnopqrst' }), 'https://api.anthropic.com');
  assert.equal(
    chooseUpstream({ ...base, upstream: 'http://127.0.0.1:9000' }, { ANTHROPIC_BASE_URL: 'https://proxy.corp.example' }),
    'http://127.0.0.1:9000',
  );
});

test('package.json contributes every gateway setting, user-only ones in application scope, and the copy command', () => {
  const properties = packageJson.contributes.configuration.properties as Record<string, { scope?: string }>;
  for (const key of GATEWAY_SETTING_KEYS) {
    const setting = properties[`tally.gateway.${key}`];
    assert.ok(setting, key);
    assert.equal(setting.scope === 'application' || setting.scope === 'machine', USER_ONLY_KEYS.has(key), key);
  }
  assert.ok(packageJson.contributes.commands.some((command) => command.command === 'tally.copyGatewayBaseUrl'));
});

test('registerGateway: asks once, then meters the terminals (ANTHROPIC_BASE_URL), copies the URL, and stops when turned off', async () => {
  const KEY = 'sk-ant-extension-key';
  const fake = await startFakeAnthropic({ apiKeys: [KEY] });
  const vscode = installFakeVscode();
  const { registerGateway } = await import('../../src/extension/gateway/index.js');
  const ledgerDir = scratchDir('tally-gateway-ext-');
  const logs: string[] = [];
  let trusted = false;
  const services = {
    settings: () => DEFAULT_SETTINGS,
    onDidChangeSettings: new FakeEmitter<typeof DEFAULT_SETTINGS>().event,
    priceTable: (() => {
      const table = bundledPriceTable();
      return () => table;
    })(),
    ledgerDirectory: () => ledgerDir,
    ledger: () => sharedLedger(ledgerDir, bundledPriceTable()).ledger,
    budgetGuard: () => sharedLedger(ledgerDir, bundledPriceTable()).guard,
    workspace: () => ({ path: '/home/dev/site', name: 'site' }),
    onDidRecordSpend: new FakeEmitter<never>().event,
    getApiKey: () => Promise.resolve(KEY),
    isTrusted: () => trusted,
    log: { info: (text: string) => logs.push(text), warn: (text: string) => logs.push(text) },
  };
  vscode.user['upstream'] = fake.url;
  vscode.answers.push('Turn On');
  const context = vscode.context();
  const registration = registerGateway(context as never, services as never);
  try {
    // Restricted Mode: nothing runs, nothing is asked, until the workspace is trusted.
    await registration.settled();
    assert.equal(vscode.messages.length, 0);
    assert.equal(registration.baseUrl(), undefined);
    trusted = true;
    vscode.trustGranted.fire();
    await waitFor(() => vscode.env.has('ANTHROPIC_BASE_URL'));
    assert.equal(vscode.messages.length, 1, 'asked once');
    assert.match(vscode.messages[0]!, /meter Claude Code, Cline, aider and scripts/);
    const baseUrl = vscode.env.get('ANTHROPIC_BASE_URL')!;
    assert.equal(baseUrl, registration.baseUrl());
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{43}$/);

    // A script in the terminal with no key of its own: the extension's key is added, the ledger has the request.
    const client = new Anthropic({
      apiKey: null,
      authToken: null,
      baseURL: baseUrl,
      maxRetries: 0,
      defaultHeaders: { authorization: null },
    });
    await client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'from the terminal' }] });
    const [entry] = openLedger(ledgerDir).query({}).entries;
    assert.equal(entry!.source, 'gateway');
    assert.equal(entry!.workspace.path, '/home/dev/site');

    await vscode.commands.get('tally.copyGatewayBaseUrl')!();
    assert.equal(vscode.clipboard, baseUrl);

    vscode.setUser('enabled', false);
    await waitFor(() => !vscode.env.has('ANTHROPIC_BASE_URL'));
    assert.equal(registration.baseUrl(), undefined);
    await assert.rejects(
      client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'after' }] }),
    );

    // On again: same token and port, so terminals restored with the old URL keep working.
    vscode.setUser('enabled', true);
    await waitFor(() => vscode.env.has('ANTHROPIC_BASE_URL'));
    assert.equal(vscode.env.get('ANTHROPIC_BASE_URL'), baseUrl);
    assert.equal(vscode.messages.filter((m) => m.includes('meter Claude Code')).length, 1, 'never asked again');
  } finally {
    await registration.stop();
    await fake.close();
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
