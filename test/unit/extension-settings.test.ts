import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import {
  DEFAULT_SETTINGS,
  USER_ONLY_SETTING_IDS,
  USER_ONLY_SETTINGS,
  checkAllowList,
  checkTierModels,
  resolveSettings,
  settingValue,
  userOnlySettingsNamedIn,
  type SettingKey,
} from '../../src/extension/settings.js';
import { chatHtml, contentSecurityPolicy, dashboardHtml } from '../../src/extension/webviewHtml.js';
import { isPromptLikeDocument } from '../../src/extension/promptFiles.js';
import { pricesWithOverride } from '../../src/extension/prices.js';
import { tierEstimates } from '../../src/extension/selectionEstimate.js';
import { readTelemetrySettings } from '../../src/telemetry/settingScopes.js';
import packageJson from '../../package.json';
import { resolveGatewaySettings } from '../../src/extension/gateway/settings.js';

const reader = (values: Partial<Record<SettingKey, unknown>>) => (key: SettingKey) => values[key];

test('valid settings apply; unset ones take the defaults', () => {
  const { settings, problems } = resolveSettings(
    reader({
      'budget.dailyUsd': 5,
      cacheTtl: '1h',
      'routing.rules': [{ pattern: 'prod incident', tier: 'opus' }],
      apiBaseUrl: 'http://127.0.0.1:9000',
    }),
  );
  assert.deepEqual(problems, []);
  assert.equal(settings.budget.dailyUsd, 5);
  assert.equal(settings.budget.warnAt, 0.8);
  assert.equal(settings.cacheTtl, '1h');
  assert.equal(settings.apiBaseUrl, 'http://127.0.0.1:9000');
  assert.deepEqual(settings.routing.rules, [{ pattern: 'prod incident', tier: 'opus' }]);
});

test('a bad value is reported by its setting id and the previous good value keeps working', () => {
  const good = resolveSettings(reader({ 'budget.warnAt': 0.5, 'budget.monthlyUsd': 40 })).settings;
  const { settings, problems } = resolveSettings(
    reader({
      'budget.warnAt': 1.5,
      'budget.monthlyUsd': -3,
      cacheTtl: '10m',
      'routing.rules': [{ pattern: '(unclosed', tier: 'opus' }],
      apiBaseUrl: 'api.example.com',
    }),
    good,
  );
  assert.equal(settings.budget.warnAt, 0.5);
  assert.equal(settings.budget.monthlyUsd, 40);
  assert.equal(settings.cacheTtl, 'auto');
  assert.deepEqual(settings.routing.rules, []);
  assert.equal(settings.apiBaseUrl, null);
  assert.deepEqual(
    problems.map((p) => p.setting),
    ['tally.routing.rules[0]', 'tally.budget.monthlyUsd', 'tally.budget.warnAt', 'tally.apiBaseUrl', 'tally.cacheTtl'],
  );
  assert.match(problems.find((p) => p.setting === 'tally.budget.warnAt')!.message, /between 0 and 1; keeping 0\.5/);
  assert.match(
    problems.find((p) => p.setting === 'tally.routing.rules[0]')!.message,
    /"pattern" "\(unclosed" is not a usable regular expression \(.+\)/,
  );
});

test('every bad routing rule is reported with what is wrong, and the good rules still apply', () => {
  const { settings, problems } = resolveSettings(
    reader({
      'routing.rules': [
        { pattern: '[a-', tier: 'opus' },
        { keyword: 'migration', tier: 'opus' },
        { keyword: 'typo', tier: 'gpt' },
        { pattern: 'x', keyword: 'y', tier: 'haiku' },
        'rename',
      ],
    }),
  );
  assert.deepEqual(settings.routing.rules, [{ keyword: 'migration', tier: 'opus' }]);
  assert.deepEqual(
    problems.map((p) => p.setting),
    ['tally.routing.rules[0]', 'tally.routing.rules[2]', 'tally.routing.rules[3]', 'tally.routing.rules[4]'],
  );
  const [badPattern, badTier, both, notObject] = problems.map((p) => p.message);
  assert.match(badPattern!, /is not a usable regular expression .*; this rule is skipped, 1 other rule applies/);
  assert.match(badTier!, /tier: "tier" must be "haiku", "sonnet" or "opus"/);
  assert.match(both!, /needs exactly one of "pattern" or "keyword"/);
  assert.match(notObject!, /must be an object/);
});

test('an unknown tier model is named in one short line, not with every known id', () => {
  const wanted = { ...DEFAULT_SETTINGS, models: { ...DEFAULT_SETTINGS.models, sonnet: 'gpt-5' } };
  const { problems } = checkTierModels(wanted, DEFAULT_SETTINGS, bundledPriceTable());
  assert.equal(problems[0]!.message, `unknown model "gpt-5"; keeping ${DEFAULT_SETTINGS.models.sonnet}`);
});

test('a tier model that is not in the price table keeps the previous model and names the setting', () => {
  const wanted = { ...DEFAULT_SETTINGS, models: { ...DEFAULT_SETTINGS.models, opus: 'claude-opsu-5-5' } };
  const { settings, problems } = checkTierModels(wanted, DEFAULT_SETTINGS, bundledPriceTable());
  assert.equal(settings.models.opus, 'claude-opus-5-5');
  assert.equal(problems[0]!.setting, 'tally.models.opus');
  assert.match(problems[0]!.message, /unknown model "claude-opsu-5-5"; did you mean claude-opus-5-5\?/);
  const alias = checkTierModels(
    { ...DEFAULT_SETTINGS, models: { ...DEFAULT_SETTINGS.models, haiku: 'CLAUDE-HAIKU-4-5' } },
    DEFAULT_SETTINGS,
    bundledPriceTable(),
  );
  assert.equal(alias.settings.models.haiku, 'claude-haiku-4-5');
});

test('routing rules take a regular expression or a plain keyword, one of them, and say which is wrong', () => {
  const ok = resolveSettings(
    reader({
      'routing.rules': [
        { keyword: 'c++', tier: 'sonnet' },
        { pattern: 'prod incident', tier: 'opus' },
      ],
    }),
  );
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.settings.routing.rules, [
    { keyword: 'c++', tier: 'sonnet' },
    { pattern: 'prod incident', tier: 'opus' },
  ]);
  const regexC = resolveSettings(reader({ 'routing.rules': [{ pattern: 'c++', tier: 'sonnet' }] }), ok.settings);
  assert.equal(regexC.problems[0]!.setting, 'tally.routing.rules[0]');
  assert.match(regexC.problems[0]!.message, /"pattern" "c\+\+" is not a usable regular expression \(.+\); this rule is skipped/);
  assert.deepEqual(regexC.settings.routing.rules, [], 'the unusable rule does not route anything');
  const both = resolveSettings(reader({ 'routing.rules': [{ keyword: 'x', pattern: 'y', tier: 'opus' }] }));
  assert.match(both.problems[0]!.message, /exactly one of "pattern" or "keyword"/);
});

test('an unknown model in the allow-list is named and the previous list kept; aliases resolve to ids', () => {
  const table = bundledPriceTable();
  const good = checkAllowList(
    { ...DEFAULT_SETTINGS, routing: { ...DEFAULT_SETTINGS.routing, allowList: ['sonnet-5.5', 'CLAUDE-OPUS-5-5'] } },
    DEFAULT_SETTINGS,
    table,
  );
  assert.deepEqual(good.problems, []);
  assert.deepEqual(good.settings.routing.allowList, ['claude-sonnet-5-5', 'claude-opus-5-5']);
  const typo = checkAllowList(
    { ...good.settings, routing: { ...good.settings.routing, allowList: ['claude-sonnet-5-5', 'claude-sonet-5-5'] } },
    good.settings,
    table,
  );
  assert.equal(typo.problems[0]!.setting, 'tally.routing.allowList');
  assert.match(typo.problems[0]!.message, /unknown model "claude-sonet-5-5"/);
  assert.deepEqual(typo.settings.routing.allowList, ['claude-sonnet-5-5', 'claude-opus-5-5']);
});

test('every setting the code validates is declared in package.json with a description, and the reverse', () => {
  const declared = packageJson.contributes.configuration.properties as Record<
    string,
    { description?: string; markdownDescription?: string }
  >;
  const validated: string[] = [];
  resolveSettings((key) => {
    validated.push(`tally.${key}`);
    return undefined;
  });
  readTelemetrySettings((key) => {
    validated.push(`tally.telemetry.${key}`);
    return undefined;
  });
  resolveGatewaySettings((key) => {
    validated.push(`tally.gateway.${key}`);
    return { user: undefined, workspace: undefined };
  });
  assert.deepEqual(Object.keys(declared).sort(), validated.sort());
  for (const id of validated) assert.ok(declared[id]!.description || declared[id]!.markdownDescription, `${id} has a description`);
});

test('each tier model setting offers every model of the price table in a dropdown, its own tier first', () => {
  const table = bundledPriceTable();
  for (const tier of ['haiku', 'sonnet', 'opus'] as const) {
    const setting = packageJson.contributes.configuration.properties[`tally.models.${tier}`] as {
      enum: string[];
      enumItemLabels: string[];
      default: string;
    };
    assert.deepEqual([...setting.enum].sort(), table.models.map((m) => m.id).sort(), `tally.models.${tier} lists the price table`);
    assert.equal(table.models.find((m) => m.id === setting.enum[0])!.tier, tier);
    assert.ok(setting.enum.includes(setting.default));
    assert.equal(setting.enumItemLabels.length, setting.enum.length);
  }
});

test('the manifest declares every command under the Tally category', () => {
  const commands = packageJson.contributes.commands.map((c: { command: string; category: string }) => `${c.category}:${c.command}`).sort();
  assert.deepEqual(commands, [
    'Tally:tally.clearApiKey',
    'Tally:tally.copyGatewayBaseUrl',
    'Tally:tally.estimateSelection',
    'Tally:tally.exportSpend',
    'Tally:tally.openChat',
    'Tally:tally.openChatView',
    'Tally:tally.openDashboard',
    'Tally:tally.openSettings',
    'Tally:tally.sendSelectionToChat',
    'Tally:tally.setApiKey',
    'Tally:tally.setBudget',
  ]);
  assert.ok(packageJson.activationEvents.includes('onStartupFinished'));
});

test("the chat page allows only its own nonce-tagged script and the extension's stylesheet", () => {
  const html = chatHtml(
    { cspSource: 'https://ext.example', scriptUri: 'https://ext.example/chat.js', styleUri: 'https://ext.example/chat.css' },
    'abc123',
  );
  const csp = contentSecurityPolicy('https://ext.example', 'abc123');
  assert.ok(html.includes(`content="${csp}"`));
  assert.match(csp, /^default-src 'none'; script-src 'nonce-abc123'; style-src https:\/\/ext\.example;/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [' nonce="abc123" src="https://ext.example/chat.js"']);
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline handlers');
});

test('both panels load the same strict shell; URIs with quotes cannot break out of an attribute', () => {
  const assets = {
    cspSource: 'https://ext.example',
    scriptUri: 'https://ext.example/a.js?x="><script>alert(1)</script>',
    styleUri: 'https://ext.example/a.css',
  };
  for (const html of [chatHtml(assets, 'n1'), dashboardHtml({ ...assets, title: 'Tally Spend' }, 'n1')]) {
    const csp = /content="([^"]*)"/.exec(html)![1]!;
    assert.match(csp, /^default-src 'none'; script-src 'nonce-n1'; style-src https:\/\/ext\.example;/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    assert.equal([...html.matchAll(/<script/g)].length, 1, 'the only script is the bundle');
    assert.ok(html.includes('src="https://ext.example/a.js?x=&quot;>&lt;script>alert(1)&lt;/script>"'));
  }
  const dashboard = dashboardHtml({ ...assets, title: 'Tally Spend' }, 'n1');
  assert.match(dashboard, /img-src https:\/\/ext\.example data:;/, 'chart images as before');
  assert.match(dashboard, /<main id="app"><\/main>/);
  assert.doesNotMatch(chatHtml(assets, 'n1'), /data:|id="app"/);
});

test('every tier is priced for a selection, cheapest to dearest', () => {
  const estimates = tierEstimates(bundledPriceTable(), DEFAULT_SETTINGS.models, 'word '.repeat(1000), Date.parse('2026-11-29T00:00:00Z'));
  assert.deepEqual(
    estimates.map((e) => e.tier),
    ['haiku', 'sonnet', 'opus'],
  );
  assert.ok(estimates[0]!.usd < estimates[1]!.usd && estimates[1]!.usd < estimates[2]!.usd);
});

test('prompt-like files are estimated whole; code files only by selection', () => {
  assert.equal(isPromptLikeDocument('markdown', '/w/notes.md'), true);
  assert.equal(isPromptLikeDocument('plaintext', '/w/ask.txt'), true);
  assert.equal(isPromptLikeDocument('unknown', '/w/fix.prompt'), true);
  assert.equal(isPromptLikeDocument('typescript', '/w/app.ts'), false);
});

test('tally.pricesFile: an override applies; a broken or missing file is named and the prices in use keep working', () => {
  const files: Record<string, string> = {
    '/w/prices.json': JSON.stringify({
      models: [{ id: 'claude-sonnet-5-5', rates: [{ from: null, input: 9, cacheWrite5m: 9, cacheWrite1h: 9, cacheRead: 9, output: 9 }] }],
    }),
    '/w/broken.json': '{ "models": [',
    '/w/wrong.json': JSON.stringify({ models: [{ id: 'claude-sonnet-5-5', rates: [{ from: null, input: 'cheap' }] }] }),
  };
  const read = (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Error(`${path}: no such file`);
    return text;
  };
  const applied = pricesWithOverride(read, '/w/prices.json', undefined);
  assert.equal(applied.problem, undefined);
  assert.equal(applied.table.models.find((m) => m.id === 'claude-sonnet-5-5')!.rates[0]!.input, 9);

  const broken = pricesWithOverride(read, '/w/broken.json', applied.table);
  assert.match(broken.problem!, /^tally\.pricesFile: \/w\/broken\.json: not valid JSON .*Keeping the prices in use\.$/);
  assert.equal(broken.table, applied.table);

  const wrong = pricesWithOverride(read, '/w/wrong.json', undefined);
  assert.match(
    wrong.problem!,
    /\/w\/wrong\.json: models\[0\] \(claude-sonnet-5-5\)\.rates\[0\]\.input: must be a number.*Using the bundled prices\./,
  );
  assert.equal(wrong.table.models.find((m) => m.id === 'claude-sonnet-5-5')!.rates.at(-1)!.input, 2);

  assert.match(pricesWithOverride(read, '/w/missing.json', undefined).problem!, /\/w\/missing\.json: no such file/);
});

test('a workspace cannot set where the key goes, where spend is recorded or what it costs: its values are ignored and noticed', () => {
  const fromRepo = { globalValue: undefined, workspaceValue: 'https://evil.example/v1' };
  assert.deepEqual(settingValue('apiBaseUrl', fromRepo), { value: undefined, ignoredWorkspaceValue: true });
  assert.deepEqual(settingValue('ledgerDirectory', { globalValue: '/home/ana/ledger', workspaceFolderValue: '/tmp/elsewhere' }), {
    value: '/home/ana/ledger',
    ignoredWorkspaceValue: true,
  });
  assert.deepEqual(settingValue('pricesFile', { globalValue: '/home/ana/prices.json' }), {
    value: '/home/ana/prices.json',
    ignoredWorkspaceValue: false,
  });
  // Other settings follow VS Code's usual precedence: the folder's value wins.
  assert.deepEqual(settingValue('budget.dailyUsd', { globalValue: 5, workspaceValue: 2 }), { value: 2, ignoredWorkspaceValue: false });
});

test('package.json declares every user-only setting machine-scoped and restricts the rest in Restricted Mode', () => {
  const manifest = packageJson as unknown as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  };
  const properties = manifest.contributes.configuration.properties;
  for (const key of USER_ONLY_SETTINGS) assert.match(properties[`tally.${key}`]?.scope ?? '', /^(machine|application)$/, key);
  const userOnly = Object.entries(properties).filter(([, p]) => p.scope === 'machine' || p.scope === 'application');
  assert.deepEqual([...USER_ONLY_SETTING_IDS].sort(), userOnly.map(([k]) => k).sort(), 'the notice knows every user-only setting');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  const workspaceSettable = Object.entries(properties).filter(([, p]) => p.scope !== 'machine' && p.scope !== 'application');
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.sort(), workspaceSettable.map(([k]) => k).sort());
});

test('a workspace settings file naming user-only settings is noticed, even with comments and other keys around', () => {
  const text = `{
    // "tally.pricesFile": "commented out, not counted",
    "editor.tabSize": 2,
    "tally.apiBaseUrl": "https://collector.example/v1", /* the key would go here */
    "tally.ledgerDirectory" : "/tmp/nowhere",
    "tally.budget.dailyUsd": 1
  }`;
  assert.deepEqual(userOnlySettingsNamedIn(text), ['tally.apiBaseUrl', 'tally.ledgerDirectory']);
  assert.deepEqual(userOnlySettingsNamedIn('{"tally.cacheTtl": "1h"}'), []);
});
