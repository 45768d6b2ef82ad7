import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultChatRouter } from '../../src/core/chat/router.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { defaultRouterConfig, parseRouterConfig } from '../../src/core/router/index.js';

const table = bundledPriceTable();
const NOW = Date.parse('2026-11-29T12:00:00Z');
const warmOpus = { model: 'claude-opus-5-5', prefixTokens: 30_000, expiresAtMs: NOW + 4 * 60_000 };

function choose(config = defaultRouterConfig) {
  const router = defaultChatRouter(table, config);
  const decision = router.route({ prompt: 'write unit tests for this parser' });
  return router.chooseWithCache({
    decision,
    warmCaches: [warmOpus],
    nowMs: NOW,
    prefixTokens: 30_000,
    newTokens: 300,
    expectedTurns: 3,
    outputTokens: 500,
    priceTable: table,
    date: '2026-11-29',
  });
}

test('a warm Opus cache keeps a Sonnet-level turn on Opus when that is cheaper', () => {
  assert.equal(choose().model, 'claude-opus-5-5');
});

test('the allow-list holds even against a warm cache (tally chat --router-config and the extension alike)', () => {
  const config = parseRouterConfig(JSON.stringify({ allowList: ['claude-haiku-5-5', 'claude-sonnet-5-5'] }), 'router.json');
  const choice = choose(config);
  assert.equal(choice.model, 'claude-sonnet-5-5');
  assert.ok(
    choice.reasons.some((reason) => /not in the allow-list/.test(reason)),
    choice.reasons.join('; '),
  );
});
