import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { defaultRouterConfig, parseRouterConfig, routePrompt } from '../../src/core/router/index.js';

const parse = (value: unknown) => parseRouterConfig(typeof value === 'string' ? value : JSON.stringify(value), 'router.json');

function rejects(value: unknown, message: RegExp) {
  assert.throws(
    () => parse(value),
    (error: unknown) => error instanceof InputError && message.test(error.message) && !error.message.includes('\n'),
    `expected one-line InputError matching ${message}`,
  );
}

test('defaults: local mode, the 5.5 models, no rules, no allow-list', () => {
  assert.equal(defaultRouterConfig.mode, 'local');
  assert.deepEqual(defaultRouterConfig.models, { haiku: 'claude-haiku-5-5', sonnet: 'claude-sonnet-5-5', opus: 'claude-opus-5-5' });
  assert.equal(defaultRouterConfig.allowList, undefined);
  const empty = parse({});
  assert.deepEqual(empty.models, defaultRouterConfig.models);
  assert.deepEqual(empty.maxTokens, defaultRouterConfig.maxTokens);
});

test('a file overrides only what it names', () => {
  const config = parse({ models: { sonnet: 'claude-sonnet-4-5' }, maxTokens: { design: 32000 }, mode: 'model' });
  assert.equal(config.models.sonnet, 'claude-sonnet-4-5');
  assert.equal(config.models.haiku, 'claude-haiku-5-5');
  assert.equal(config.maxTokens.design, 32000);
  assert.equal(config.maxTokens.classify, defaultRouterConfig.maxTokens.classify);
  assert.equal(config.mode, 'model');
});

test('errors name the file, the entry and the field', () => {
  rejects('{"mode": "local",}', /^router\.json: not valid JSON/);
  rejects({ mode: 'cloud' }, /^router\.json: mode: must be "local" or "model"/);
  rejects({ rules: [{ keyword: 'x', tier: 'gpt' }] }, /^router\.json: rules\[0\]\.tier: must be one of haiku, sonnet, opus/);
  rejects(
    { rules: [{ name: 'both', keyword: 'x', pattern: 'y', tier: 'opus' }] },
    /rules\[0\] \(both\).*exactly one of "pattern", "keyword" or "keywords"/,
  );
  rejects({ rules: [{ tier: 'opus' }] }, /exactly one of/);
  rejects({ maxTokens: { classify: 0 } }, /maxTokens\.classify: must be at least 1/);
  rejects({ maxTokens: { poetry: 10 } }, /maxTokens\.poetry/);
  rejects({ allowList: [] }, /allowList: must name at least one model/);
  rejects({ models: { opus: '' } }, /models\.opus: must not be empty/);
  rejects({ colour: 'blue' }, /colour/);
});

test('a rule whose regular expression does not compile is reported', () => {
  rejects(
    { rules: [{ name: 'incident', pattern: 'prod(uction incident', tier: 'opus' }] },
    /^router\.json: rules\[0\] \(incident\)\.pattern: not a valid regular expression: .*RE2 syntax.*\)$/,
  );
  rejects({ rules: [{ pattern: 'x', flags: 'q', tier: 'opus' }] }, /rules\[0\]\.flags: must be regular-expression flags/);
  rejects({ rules: [{ keyword: 'x', flags: 'i', tier: 'opus' }] }, /rules\[0\]\.flags: only applies to "pattern" rules/);
});

test('keyword rules match case-insensitively; keywords lists match any', () => {
  const config = parse({ rules: [{ keywords: ['PCI', 'cardholder'], tier: 'opus' }] });
  const table = bundledPriceTable();
  assert.equal(routePrompt({ prompt: 'rename this pci helper' }, config, table).tier, 'opus');
  assert.equal(routePrompt({ prompt: 'Cardholder field names?' }, config, table).ruleApplied, 'pci | cardholder');
});

test('unknown model names are reported when routing, with a suggestion', () => {
  const table = bundledPriceTable();
  assert.throws(
    () => routePrompt({ prompt: 'hi' }, parse({ models: { sonnet: 'claude-sonet-5-5' } }), table),
    /unknown model "claude-sonet-5-5"; did you mean claude-sonnet-5-5/,
  );
  assert.throws(() => routePrompt({ prompt: 'hi' }, parse({ allowList: ['gpt-9'] }), table), InputError);
});
