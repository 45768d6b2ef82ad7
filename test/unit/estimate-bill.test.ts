// Issue 9: the estimate shown before sending is the bill. Caching's 20-turn patterns (back to back,
// mixed pauses, a file edited mid-way) through the chat stack as the CLI builds it, against the fake
// (its tokenizer differs from Tally's offline estimate by up to ±5% per text, as the real one does;
// its clock and Tally's driven together). With a key (count_tokens), every turn's input side is
// within 1% of what it was billed; without one, the estimate says it is offline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PatternSize } from '../../bench/caching.bench.js';
import { buildPattern } from '../../bench/caching.bench.js';
import { BILL_PATTERNS, checkInputSide, type TurnCheck } from '../../bench/estimate.bench.js';

// The proportions (system : context : turn ≈ 6000 : 20000 : 350) at a fifth of the text, as in cache-patterns.
const SMALL: PatternSize = { turns: 20, systemTokens: 1200, contextFiles: 5, contextTokens: 4000, userTokens: 10, replyTokens: 60 };
const SEED = 1;
const EDIT_TURNS = [11, 16]; // buildPattern edits src/module1.ts before these turns
const FILE_TOKENS = SMALL.contextTokens / SMALL.contextFiles;

const percent = (error: number) => `${(error * 100).toFixed(3)}%`;
const worst = (checks: readonly TurnCheck[]) => checks.reduce((a, b) => (Math.abs(b.error) > Math.abs(a.error) ? b : a));

/** The run exercised the cache: warm turns read, and each edit wrote the edited file while reading what came before it. */
function assertCacheAtWork(pattern: string, checks: readonly TurnCheck[], where: string): void {
  assert.ok(checks.filter((check) => check.readTokens > 0).length >= 10, `${where}: most turns read from the cache`);
  if (pattern !== 'edit') return;
  for (const turn of EDIT_TURNS) {
    const check = checks.find((c) => c.turn === turn)!;
    assert.ok(
      check.writeTokens >= 0.9 * FILE_TOKENS,
      `${where}: turn ${turn} (after an edit) writes the edited file: ${check.writeTokens}`,
    );
  }
}

for (const pattern of BILL_PATTERNS) {
  test(`${pattern}: with exact counts every turn's input side is within 1% of the bill`, async () => {
    const checks = await checkInputSide(buildPattern(pattern, SMALL, SEED), 'exact');
    assert.equal(checks.length, SMALL.turns);
    assertCacheAtWork(pattern, checks, pattern);
    for (const check of checks) {
      assert.equal(check.exact, true, `${pattern}, turn ${check.turn}: the estimate says it is exact`);
      assert.ok(
        Math.abs(check.error) <= 0.01,
        `${pattern}, turn ${check.turn}: estimated $${check.estimatedUsd} for input billed $${check.billedUsd} (${percent(check.error)})`,
      );
    }
  });

  test(`${pattern}: without exact counts the estimate says it is offline, and is off by no more than the tokenizer`, async () => {
    const checks = await checkInputSide(buildPattern(pattern, SMALL, SEED), 'offline');
    assert.ok(
      checks.every((check) => !check.exact),
      `${pattern}: every turn reports exact: false`,
    );
    // Tokenization differs by at most 5% per text; a larger miss would be Tally's cache bookkeeping
    // (e.g. a read the server counted subtracted from a total Tally estimated).
    const miss = worst(checks);
    assert.ok(Math.abs(miss.error) <= 0.05, `${pattern}, turn ${miss.turn}: offline input side off by ${percent(miss.error)}`);
  });
}

// Fixed TTLs: entries the server keeps refreshed under every read (the system prompt's, the
// unedited files') must stay warm in Tally's cache model too, or the turn after an edit is
// estimated cold while the server reads them. Seeds whose pauses outlive the TTL before an edit.
for (const { cacheTtl, seed } of [
  { cacheTtl: '5m', seed: 1 },
  { cacheTtl: '1h', seed: 2 },
] as const) {
  test(`edit, cache TTL ${cacheTtl}: with exact counts every turn is within 1%, the turns after an edit included`, async () => {
    const checks = await checkInputSide(buildPattern('edit', SMALL, seed), 'exact', { cacheTtl });
    const miss = worst(checks);
    assert.ok(Math.abs(miss.error) <= 0.01, `seed ${seed}, turn ${miss.turn}: ${percent(miss.error)} off the bill`);
  });
}

test('a turn sent after the history is summarised is estimated exactly too', async () => {
  const checks = await checkInputSide(buildPattern('mixed', SMALL, SEED), 'exact', { historyBudgetTokens: 600 });
  assert.ok(
    checks.some((check) => check.trimmed),
    'the history was summarised at least once',
  );
  const miss = worst(checks);
  assert.ok(Math.abs(miss.error) <= 0.01, `turn ${miss.turn}: ${percent(miss.error)} off the bill`);
});
