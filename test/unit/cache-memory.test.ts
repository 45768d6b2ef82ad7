// Issue 15, finding 2: after a window reload the chat forgot which prompts were warm, estimated the
// next turn at 13x its bill and let a budget refuse it on that figure. The cache model now outlives
// the process; the first estimate after a reload is as right as any other.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { memoryBudgetGuard } from '../../src/core/budget/index.js';
import { parseCacheSnapshot, type CacheMemory } from '../../src/core/cache/memory.js';
import { Conversation } from '../../src/core/chat/conversation.js';
import { createChatStack } from '../../src/core/chat/stack.js';
import { openLedger } from '../../src/core/ledger/index.js';
import { priceUsage, utcDate } from '../../src/core/prices/cost.js';
import { bundledPriceTable, DEFAULT_TIER_MODELS, resolveModel } from '../../src/core/prices/priceTable.js';
import { defaultRouterConfig } from '../../src/core/router/index.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';

let now = Date.parse('2026-11-29T12:00:00Z');
let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic({ clock: () => now });
});
after(() => fake.close());

/** What VS Code's workspace state does for the extension: a value kept across reloads. */
function memento(): CacheMemory & { saved: unknown } {
  const kept = { saved: undefined as unknown };
  return Object.assign(kept, {
    load: () => kept.saved,
    save: (entries: readonly unknown[]) => void (kept.saved = structuredClone(entries)),
  });
}

function stackOver(dir: string, cacheMemory?: CacheMemory) {
  const ledger = openLedger(dir, { now: () => now });
  return createChatStack({
    apiKey: async () => 'sk-test',
    settings: () => ({
      models: { ...DEFAULT_TIER_MODELS },
      router: defaultRouterConfig,
      budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null },
      apiBaseUrl: fake.url,
      cacheTtl: '5m',
      compression: null,
    }),
    priceTable: bundledPriceTable,
    ledger: () => ({ ledger, guard: memoryBudgetGuard(ledger) }),
    workspace: () => ({ path: dir, name: 'ws' }),
    clock: () => now,
    source: 'chat',
    exactCounts: false,
    ...(cacheMemory ? { cacheMemory } : {}),
  });
}

const words = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed}${i % 89}`).join(' ');

test('the first estimate after a reload is within 10% of the bill on the input side', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-cache-memory-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const memory = memento();
  const conversation = new Conversation('c', words('system', 900), [{ path: 'src/a.ts', text: words('a', 2500) }]);

  const before = await stackOver(dir, memory).engine();
  assert.notEqual(before, 'no-key');
  if (before === 'no-key') return;
  const first = await before.sendTurn(conversation, { user: 'explain a.ts [[tokens:60]]', model: 'sonnet' });
  assert.equal(first.status, 'ok');
  assert.ok(parseCacheSnapshot(memory.saved).length > 0, 'the warm prefixes were saved');

  // The window reloads two minutes later: a new extension host, a new stack, the same workspace state.
  now += 120_000;
  const reloaded = stackOver(dir, memory);
  const forgetful = stackOver(dir);
  const question = 'and the error path? [[tokens:60]]';
  const estimate = reloaded.estimateTurn(conversation, question, 'sonnet');
  const cold = forgetful.estimateTurn(conversation, question, 'sonnet');

  const engine = await reloaded.engine();
  if (engine === 'no-key') return;
  const second = await engine.sendTurn(conversation, { user: question, model: 'sonnet' });
  assert.equal(second.status, 'ok');
  const model = resolveModel(bundledPriceTable(), 'sonnet');
  const billed = priceUsage(bundledPriceTable(), model, second.usage!, { date: utcDate(now) });
  const billedInput = billed.total - billed.output;
  assert.ok(second.cacheReadTokens > 0, 'the server read the prefix from its cache');
  const error = Math.abs(estimate.usd.input - billedInput) / billedInput;
  assert.ok(error < 0.1, `estimated $${estimate.usd.input} for an input billed $${billedInput} (${(error * 100).toFixed(1)}% off)`);
  assert.ok(cold.usd.input > 3 * billedInput, `without the saved cache model it was estimated cold: $${cold.usd.input}`);
});

test('a saved cache model that is expired, malformed or from an older format is ignored, not trusted', () => {
  const entry = { model: 'claude-sonnet-5-5', prefixKey: 'a'.repeat(64), tokens: 5000, ttl: '5m', expiresAtMs: now + 60_000 };
  assert.equal(parseCacheSnapshot([entry]).length, 1);
  assert.deepEqual(parseCacheSnapshot({ entries: [entry] }), []);
  assert.deepEqual(parseCacheSnapshot([{ ...entry, tokens: -1 }, { ...entry, ttl: '2h' }, { ...entry, prefixKey: 'x' }, null]), []);
  const dir = mkdtempSync(join(tmpdir(), 'tally-cache-memory-'));
  try {
    const expired = { load: () => [{ ...entry, expiresAtMs: now - 1 }], save: () => undefined };
    assert.deepEqual(stackOver(dir, expired).cache.snapshot(now), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
