import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUsd } from '../../src/core/format.js';
import { roundUsd } from '../../src/core/prices/cost.js';
import { bundledPriceTable, ratesOn, resolveModel } from '../../src/core/prices/priceTable.js';
import { chooseModelWithCache, type CacheChoiceInput } from '../../src/core/router/index.js';

const table = bundledPriceTable();
const DATE = '2026-11-29';
const NOW = Date.parse(`${DATE}T12:00:00Z`);
const MINUTE = 60_000;

/**
 * The cost of N turns written out by hand from the rate card: each turn re-sends the prefix plus
 * everything since, reads what the previous turn cached and writes the rest (5-minute TTL).
 */
function byHand(modelId: string, warmPrefix: number, prefix: number, fresh: number, output: number, turns: number): number {
  const rates = ratesOn(resolveModel(table, modelId), DATE);
  let cached = warmPrefix;
  let usd = 0;
  for (let turn = 0; turn < turns; turn++) {
    const prompt = prefix + fresh + turn * (fresh + output);
    usd += (cached * rates.cacheRead + (prompt - cached) * rates.cacheWrite5m + output * rates.output) / 1e6;
    cached = prompt;
  }
  return usd;
}

const base = (overrides: Partial<CacheChoiceInput>): CacheChoiceInput => ({
  decision: { tier: 'sonnet', model: 'claude-sonnet-5-5' },
  warmCaches: [],
  nowMs: NOW,
  prefixTokens: 30_000,
  newTokens: 500,
  expectedTurns: 1,
  outputTokens: 500,
  priceTable: table,
  ...overrides,
});

const warmOpus = [{ model: 'claude-opus-5-5', prefixTokens: 30_000, expiresAtMs: NOW + 4 * MINUTE }];

test('30k-token prefix warm on Opus, classifier says Sonnet: stays for a short exchange, with the extra cost', () => {
  const choice = chooseModelWithCache(base({ warmCaches: warmOpus, expectedTurns: 3 }));
  const stay = byHand('claude-opus-5-5', 30_000, 30_000, 500, 500, 3);
  const move = byHand('claude-sonnet-5-5', 0, 30_000, 500, 500, 3);
  assert.ok(stay < move, `by hand: staying $${stay} < moving $${move}`);
  assert.equal(choice.model, 'claude-opus-5-5');
  assert.ok(Math.abs(choice.expectedUsd['claude-opus-5-5']! - stay) < 1e-9);
  assert.ok(Math.abs(choice.expectedUsd['claude-sonnet-5-5']! - move) < 1e-9);
  const extra = choice.expectedUsd['claude-sonnet-5-5']! - choice.expectedUsd['claude-opus-5-5']!;
  assert.deepEqual(choice.reasons, [
    `staying on Opus: cache is warm, switching to Sonnet would cost ${formatUsd(roundUsd(extra))} more over 3 turns`,
  ]);
});

test('the same warm Opus prefix over a long exchange: moving down to Sonnet pays back the re-write', () => {
  const choice = chooseModelWithCache(base({ warmCaches: warmOpus, expectedTurns: 10 }));
  const stay = byHand('claude-opus-5-5', 30_000, 30_000, 500, 500, 10);
  const move = byHand('claude-sonnet-5-5', 0, 30_000, 500, 500, 10);
  assert.ok(move < stay, `by hand: moving $${move} < staying $${stay}`);
  assert.equal(choice.model, 'claude-sonnet-5-5');
  const saving = roundUsd(choice.expectedUsd['claude-opus-5-5']! - choice.expectedUsd['claude-sonnet-5-5']!);
  assert.equal(
    choice.reasons[0],
    `moving down to Sonnet: saves ${formatUsd(saving)} over 10 turns even after re-writing the 30k-token prefix`,
  );
});

test('30k-token prefix warm on Sonnet 5.5, classifier says Haiku: Haiku 5.5 is cheap enough to move at once', () => {
  const choice = chooseModelWithCache(
    base({
      decision: { tier: 'haiku', model: 'claude-haiku-5-5' },
      warmCaches: [{ model: 'claude-sonnet-5-5', prefixTokens: 30_000, expiresAtMs: NOW + MINUTE }],
    }),
  );
  const stay = byHand('claude-sonnet-5-5', 30_000, 30_000, 500, 500, 1);
  const move = byHand('claude-haiku-5-5', 0, 30_000, 500, 500, 1);
  assert.ok(move < stay);
  assert.equal(choice.model, 'claude-haiku-5-5');
  assert.match(choice.reasons[0]!, /^moving down to Haiku/);
});

test('with the 4.5 models the warm Sonnet prefix wins for 2 turns and loses by 4', () => {
  const input = (turns: number) =>
    base({
      decision: { tier: 'haiku', model: 'claude-haiku-4-5' },
      warmCaches: [{ model: 'claude-sonnet-4-5', prefixTokens: 30_000, expiresAtMs: NOW + MINUTE }],
      expectedTurns: turns,
    });
  for (const [turns, expected] of [
    [2, 'claude-sonnet-4-5'],
    [4, 'claude-haiku-4-5'],
  ] as const) {
    const stay = byHand('claude-sonnet-4-5', 30_000, 30_000, 500, 500, turns);
    const move = byHand('claude-haiku-4-5', 0, 30_000, 500, 500, turns);
    assert.equal(stay < move ? 'claude-sonnet-4-5' : 'claude-haiku-4-5', expected, 'the hand computation agrees with the expectation');
    assert.equal(chooseModelWithCache(input(turns)).model, expected, `${turns} turns`);
  }
});

test('never below the classifier tier: a warm Haiku cache does not keep an Opus prompt on Haiku', () => {
  const choice = chooseModelWithCache(
    base({
      decision: { tier: 'opus', model: 'claude-opus-5-5' },
      warmCaches: [{ model: 'claude-haiku-5-5', prefixTokens: 30_000, expiresAtMs: NOW + MINUTE }],
    }),
  );
  assert.equal(choice.model, 'claude-opus-5-5');
  assert.deepEqual(Object.keys(choice.expectedUsd), ['claude-opus-5-5'], 'the lower-tier model is not even a candidate');
  assert.match(choice.reasons[0]!, /^escalating from Haiku to Opus: the prompt needs opus/);
});

test('an expired cache counts as cold; with no warm cache the classifier choice stands', () => {
  const expired = [{ model: 'claude-opus-5-5', prefixTokens: 30_000, expiresAtMs: NOW - 1 }];
  const choice = chooseModelWithCache(base({ warmCaches: expired, expectedTurns: 3 }));
  assert.equal(choice.model, 'claude-sonnet-5-5');
  assert.match(choice.reasons[0]!, /^no warm cache/);
});

test('already on the classified model with a warm cache: stays and says so', () => {
  const choice = chooseModelWithCache(
    base({ warmCaches: [{ model: 'claude-sonnet-5-5', prefixTokens: 30_000, expiresAtMs: NOW + MINUTE }] }),
  );
  assert.equal(choice.model, 'claude-sonnet-5-5');
  assert.match(choice.reasons[0]!, /^staying on Sonnet: its cache is warm/);
});

test('a warm cache outside the allow-list is not a candidate: Sonnet is written fresh instead of staying on Opus', () => {
  const input = base({ warmCaches: warmOpus, expectedTurns: 3 });
  assert.equal(chooseModelWithCache(input).model, 'claude-opus-5-5', 'without the list, the warm Opus wins these 3 turns');
  const choice = chooseModelWithCache({ ...input, allowedModels: ['haiku-5.5', 'sonnet-5.5'] });
  assert.equal(choice.model, 'claude-sonnet-5-5');
  assert.deepEqual(Object.keys(choice.expectedUsd), ['claude-sonnet-5-5'], 'Opus is not even priced');
  const move = byHand('claude-sonnet-5-5', 0, 30_000, 500, 500, 3);
  assert.ok(
    Math.abs(choice.expectedUsd['claude-sonnet-5-5']! - move) < 1e-9,
    `${choice.expectedUsd['claude-sonnet-5-5']} vs ${move} by hand`,
  );
  assert.deepEqual(choice.reasons, [
    'no warm cache: using Sonnet (claude-sonnet-5-5) as classified',
    'warm cache on claude-opus-5-5 not used: not in the allow-list',
  ]);
});

test('a warm model inside the allow-list still keeps its stickiness', () => {
  const choice = chooseModelWithCache(
    base({ warmCaches: warmOpus, expectedTurns: 3, allowedModels: ['claude-sonnet-5-5', 'claude-opus-5-5'] }),
  );
  assert.equal(choice.model, 'claude-opus-5-5');
  assert.match(choice.reasons[0]!, /^staying on Opus/);
});
