// Issue 4's caching target at small scale, against the fake (its clock and the engine's driven
// together, so seeded think times are exact). The first pause decides what 'auto' can save with
// mixed think time: a first question is written for 5 minutes (so a single question costs no more
// than 5m), and when the very first pause outlives it the prompt is written twice. Over many
// conversations that evens out (bench: 8 seeds); on the 4 seeds here 3 first pauses are long
// (31% in the distribution), so mixed and edit are held to the absolute targets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measurePatterns, PATTERNS, type PatternSize } from '../../bench/caching.bench.js';

// Same proportions as the conversation (system : context : turn ≈ 6000 : 20000 : 350), a fifth of the text.
const SMALL: PatternSize = { turns: 20, systemTokens: 1200, contextFiles: 5, contextTokens: 4000, userTokens: 10, replyTokens: 60 };
const SEEDS = [1, 2, 3, 4];

test('auto TTL meets the caching targets in every usage pattern', async () => {
  const shares = await measurePatterns(SMALL, SEEDS);
  const best: Record<string, number> = {};
  const auto: Record<string, number> = {};
  for (const pattern of PATTERNS) {
    const { auto: share, ...fixed } = shares[pattern];
    best[pattern] = Math.min(...Object.values(fixed));
    auto[pattern] = share!;
    console.log(`${pattern}: auto ${(share! * 100).toFixed(1)}%, cheapest fixed ${(best[pattern] * 100).toFixed(1)}%`);
  }
  // Within 10% of the cheapest fixed placement in hindsight where no pause decides it.
  assert.ok(auto['back-to-back']! <= best['back-to-back']! * 1.1, 'back to back');
  assert.ok(auto['single']! <= best['single']! * 1.1, 'single question');
  // With think time: at most 20% of the uncached input cost, and within 10 points of the cheapest.
  assert.ok(auto['mixed']! <= 0.2, `mixed: auto bills ${auto['mixed']}`);
  assert.ok(auto['mixed']! <= best['mixed']! + 0.1, 'mixed');
  assert.ok(auto['edit']! <= best['edit']! + 0.1, 'edit');
  // The measurement of the placement Cline and Roo Code use, reproduced: 5m is cheapest back to back, worst with think time.
  assert.ok(shares['back-to-back']['5m']! < shares['back-to-back']['1h']!);
  assert.ok(shares.mixed['5m']! > 2 * shares.mixed['1h']!);
});
