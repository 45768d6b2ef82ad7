// The local cache model must agree with what the server reports: before each turn it predicts
// the reads and writes, and the fake's usage must match, across warm turns, expiry and edits.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ExactTokenCounts } from '../../src/core/estimate/index.js';
import { createMessagesClient } from '../../src/core/anthropic/client.js';
import { ChatEngine, type ChatRouter } from '../../src/core/chat/engine.js';
import { Conversation } from '../../src/core/chat/conversation.js';
import { emptyTotals, type SpendTotals } from '../../src/core/ledger/index.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { startFakeAnthropic } from '../../src/simulator/server.js';

const MODEL = 'claude-sonnet-5-5';
const router: ChatRouter = {
  route: () => ({ tier: 'sonnet', model: MODEL, score: 0.5, reasons: ['test'], maxTokens: 1024, taskClass: 'explain' }),
  chooseWithCache: ({ decision }) => ({ model: decision.model, tier: decision.tier, reasons: decision.reasons }),
};
const noSpend: SpendTotals = { date: '', today: emptyTotals(), thisMonth: emptyTotals(), problems: { count: 0, examples: [] } };

let now = Date.parse('2026-11-20T09:00:00Z');
let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
before(async () => {
  fake = await startFakeAnthropic({ clock: () => now });
});
after(() => fake.close());

/** As the chat stack builds it with a key: each request counted exactly before it is sent. */
function engine(cacheTtl: '5m' | '1h' | 'auto') {
  const client = createMessagesClient({ apiKey: 'sk-test', baseUrl: fake.url, maxRetries: 0 });
  return new ChatEngine({
    client,
    exactCounts: new ExactTokenCounts({ countTokens: (request) => client.countTokens(request) }),
    priceTable: bundledPriceTable(),
    ledger: { append: () => ({ written: true }), spend: () => noSpend },
    router,
    workspace: { path: '/w', name: 'w' },
    clock: () => now,
    cacheTtl,
    compression: null,
  });
}

const words = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed}${i % 97}`).join(' ');

test('predicted cache reads and writes match the server turn by turn, through expiry and an edit', async () => {
  fake.clearCache();
  const chat = engine('5m');
  const conversation = new Conversation('state', words('sys', 800), [
    { path: 'a.ts', text: words('a', 600) },
    { path: 'b.ts', text: words('b', 600) },
    { path: 'c.ts', text: words('c', 600) },
  ]);
  const steps: Array<{ pauseMin: number; context?: { path: string; text: string }[] }> = [
    { pauseMin: 0 },
    { pauseMin: 1 },
    { pauseMin: 2 },
    { pauseMin: 9 }, // the 5-minute entries lapse
    { pauseMin: 1, context: [{ path: 'b.ts', text: words('b2', 600) }] }, // b.ts edited
    { pauseMin: 1, context: [{ path: 'b.ts', text: words('b3', 600) }] }, // edited again
    { pauseMin: 1 },
  ];
  const reads: number[] = [];
  for (const [i, step] of steps.entries()) {
    now += step.pauseMin * 60_000;
    const result = await chat.sendTurn(conversation, {
      user: `question ${i} [[tokens:40]]`,
      model: MODEL,
      ...(step.context ? { context: step.context } : {}),
    });
    assert.equal(result.status, 'ok');
    const usage = result.usage!;
    assert.equal(result.prediction.readTokens, usage.cache_read_input_tokens, `turn ${i + 1} read`);
    assert.equal(
      result.prediction.write5mTokens + result.prediction.write1hTokens,
      usage.cache_creation_input_tokens,
      `turn ${i + 1} write`,
    );
    assert.equal(result.cacheReadTokens, usage.cache_read_input_tokens);
    reads.push(result.cacheReadTokens);
    now += 5_000;
  }
  assert.equal(reads[0], 0);
  assert.ok(reads[1]! > 0 && reads[2]! > reads[1]!, 'warm turns read everything before them');
  assert.equal(reads[3], 0, 'after a 9-minute pause the 5-minute entries are gone');
  assert.ok(reads[5]! > 0, 'a second edit of the same file still reads system and the other files');
});

test('the router sees which prefix is warm on which model, and until when', async () => {
  fake.clearCache();
  const chat = engine('1h');
  const conversation = new Conversation('warm', words('sys2', 800), [{ path: 'a.ts', text: words('x', 900) }]);
  const sentAt = now;
  await chat.sendTurn(conversation, { user: 'first [[tokens:20]]', model: MODEL });
  const warm = chat.cache.snapshot(now);
  assert.ok(warm.length > 0);
  assert.ok(warm.every((entry) => entry.model === MODEL && entry.ttl === '1h' && entry.expiresAtMs === sentAt + 60 * 60_000));
  assert.equal(chat.cache.snapshot(sentAt + 61 * 60_000).length, 0, 'expired after the hour');
});
