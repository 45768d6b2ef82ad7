import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { contextWarning, DraftTokenCounter, estimateDraft } from '../../src/webview/chat/draftEstimate.js';
import { parseHostMessage, parseWebviewMessage, type Attachment, type TierBasis } from '../../src/protocol/chat.js';

const table = bundledPriceTable();
const now = Date.parse('2026-11-29T12:00:00Z');
const basis = (tier: 'haiku' | 'sonnet' | 'opus', prefixTokens: number, warmPrefixTokens = 0): TierBasis => ({
  tier,
  model: resolveModel(table, tier),
  prefixTokens,
  warmPrefixTokens,
  writeTtl: '5m',
  outputTokens: 500,
});

test('each keystroke prices the draft on every tier, cheapest tier cheapest', () => {
  const figures = estimateDraft(
    [basis('haiku', 8), basis('sonnet', 8), basis('opus', 8)],
    'Why does this loop never end? '.repeat(10),
    now,
  );
  assert.deepEqual(
    figures.map((f) => f.tier),
    ['haiku', 'sonnet', 'opus'],
  );
  assert.ok(figures.every((f) => f.draftTokens > 50 && f.inputTokens === f.draftTokens + 8));
  assert.ok(figures[0]!.usd < figures[1]!.usd && figures[1]!.usd < figures[2]!.usd);
  const longer = estimateDraft([basis('sonnet', 8)], 'Why does this loop never end? '.repeat(20), now)[0]!;
  assert.ok(longer.usd > figures[1]!.usd, 'a longer draft costs more');
});

test('a warm prefix is priced at the cache-read rate, so the same draft costs less', () => {
  const draft = 'and what about the second file?';
  const cold = estimateDraft([basis('sonnet', 30_000, 0)], draft, now)[0]!;
  const warm = estimateDraft([basis('sonnet', 30_000, 30_000)], draft, now)[0]!;
  assert.equal(cold.inputTokens, warm.inputTokens);
  // 30k tokens written at $2.50/M vs read at $0.10/M on Sonnet 5.5
  assert.ok(cold.usd - warm.usd > 0.07, `cold ${cold.usd} warm ${warm.usd}`);
});

const attachment = (tokens: number): Attachment => ({
  id: 'att-1',
  kind: 'file',
  label: 'src/huge.ts',
  tokens: { haiku: tokens, sonnet: tokens, opus: tokens },
  usd: { haiku: tokens * 1e-7, sonnet: tokens * 2e-6, opus: tokens * 4e-6 },
});

test('a short question with a huge attachment gets a warning naming the size and the cost per turn', () => {
  const warning = contextWarning([attachment(40_000)], 12, 'sonnet');
  assert.match(warning ?? '', /Attached context is 40k tokens, 3333x your question; it adds about \$0\.08 to every turn/);
  assert.equal(contextWarning([attachment(40_000)], 5_000, 'sonnet'), undefined, 'a long question can use the context');
  assert.equal(contextWarning([attachment(1_000)], 5, 'sonnet'), undefined, 'small context is fine');
});

test('messages are validated on arrival: malformed or unknown ones are refused with a reason', () => {
  assert.ok('message' in parseWebviewMessage({ type: 'send', text: 'hi', choice: 'auto' }));
  const unknownTier = parseWebviewMessage({ type: 'send', text: 'hi', choice: 'gpt' });
  assert.ok('error' in unknownTier && /chat message "send" at choice/.test(unknownTier.error));
  assert.ok('error' in parseWebviewMessage({ type: 'send', text: '', choice: 'auto' }), 'empty message');
  assert.ok('error' in parseWebviewMessage({ type: 'runCommand', command: 'workbench.action.quit' }), 'only allowed commands');
  assert.ok('error' in parseWebviewMessage({ type: 'evil' }));
  assert.ok('error' in parseHostMessage({ type: 'delta', turnId: 't1' }), 'missing text');
  assert.ok('message' in parseHostMessage({ type: 'delta', turnId: 't1', text: 'x' }));
});

test('counting keystroke by keystroke gives the same figures as counting the whole draft', () => {
  const tiers = [basis('haiku', 8), basis('sonnet', 8), basis('opus', 8)];
  const counter = new DraftTokenCounter();
  const final = 'Why does retry() loop forever after SIGTERM?\n```ts\nwhile (!stopped) { await work(); }\n```';
  let typed = '';
  for (const char of final) {
    typed += char;
    estimateDraft(tiers, typed, now, counter);
  }
  assert.deepEqual(estimateDraft(tiers, typed, now, counter), estimateDraft(tiers, final, now));
  assert.deepEqual(
    estimateDraft(tiers, '', now, counter).map((f) => f.draftTokens),
    [0, 0, 0],
  );
});
