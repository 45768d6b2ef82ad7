// The chat draft is priced in the host, with the chat stack's one estimate: the webview gets figures
// and computes none. These tests drive DraftPricing as the chat session does.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryBudgetGuard } from '../../src/core/budget/index.js';
import { Conversation } from '../../src/core/chat/conversation.js';
import { createChatStack } from '../../src/core/chat/stack.js';
import { openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, DEFAULT_TIER_MODELS, resolveModel } from '../../src/core/prices/priceTable.js';
import { defaultRouterConfig } from '../../src/core/router/index.js';
import { estimateTextTokens, messageFrameTokens } from '../../src/core/tokens/estimator.js';
import { DraftPricing, type AttachedContext } from '../../src/extension/chat/draftPricing.js';
import { parseHostMessage, parseWebviewMessage } from '../../src/protocol/chat.js';

const now = Date.parse('2026-11-29T12:00:00Z');

function pricing(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tally-draft-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ledger = openLedger(dir);
  const stack = createChatStack({
    apiKey: async () => undefined,
    settings: () => ({
      models: { ...DEFAULT_TIER_MODELS },
      router: defaultRouterConfig,
      budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null },
      apiBaseUrl: null,
      cacheTtl: '5m',
    }),
    priceTable: bundledPriceTable,
    ledger: () => ({ ledger, guard: memoryBudgetGuard(ledger) }),
    workspace: () => ({ path: dir, name: 'ws' }),
    clock: () => now,
    source: 'chat',
  });
  const draft = new DraftPricing(
    stack,
    () => ({ ...DEFAULT_TIER_MODELS }),
    () => now,
    () => {},
  );
  return { stack, draft };
}

const setting = (attachments: AttachedContext[] = [], system = '') => ({
  core: new Conversation('c', system, attachments),
  attachments,
  completedTurns: 0,
  previousTier: undefined,
});

test('each keystroke prices the draft on every tier, cheapest tier cheapest, with a range for the answer', (t) => {
  const { draft } = pricing(t);
  const figures = draft.estimate(1, 'Why does this loop never end? '.repeat(10), 'auto', setting()).tiers;
  assert.deepEqual(
    figures.map((f) => f.tier),
    ['haiku', 'sonnet', 'opus'],
  );
  assert.ok(figures[0]!.usd < figures[1]!.usd && figures[1]!.usd < figures[2]!.usd);
  for (const f of figures) {
    assert.ok(f.draftTokens > 50 && f.inputTokens > f.draftTokens, `${f.tier}: ${f.draftTokens} of ${f.inputTokens}`);
    assert.ok(f.usdLow <= f.usd && f.usd <= f.usdHigh && f.outputLow <= f.outputHigh);
    assert.equal(f.exact, false, 'no key: the offline estimate, and it says so');
  }
  const longer = draft.estimate(2, 'Why does this loop never end? '.repeat(20), 'auto', setting()).tiers[1]!;
  assert.ok(longer.usd > figures[1]!.usd, 'a longer draft costs more');
});

test('a warm prefix is priced at the cache-read rate, so the same draft costs less', (t) => {
  const { stack, draft } = pricing(t);
  const system = 'You review code carefully and answer briefly. '.repeat(600);
  const state = setting([], system);
  const question = 'and what about the second file?';
  const cold = draft.estimate(1, question, 'sonnet', state).tiers.find((f) => f.tier === 'sonnet')!;
  // The request a moment ago wrote the prefix on Sonnet: the cache model knows it is warm.
  const model = resolveModel(bundledPriceTable(), 'sonnet');
  const layout = state.core.layout('earlier', (text) => estimateTextTokens(text, model.family), messageFrameTokens(model.family));
  const total = layout.cumulativeTokens.at(-1)!;
  stack.cache.record(
    model.id,
    layout,
    [{ index: 0, ttl: '5m', label: 'prefix', prefixTokens: layout.cumulativeTokens[0]! }],
    {
      input_tokens: total - layout.cumulativeTokens[0]!,
      output_tokens: 10,
      cache_creation_input_tokens: layout.cumulativeTokens[0]!,
      cache_read_input_tokens: 0,
    },
    now - 60_000,
  );
  const warm = draft.estimate(2, question, 'sonnet', state).tiers.find((f) => f.tier === 'sonnet')!;
  assert.equal(cold.inputTokens, warm.inputTokens);
  assert.ok(cold.usd - warm.usd > 0.01, `cold ${cold.usd} warm ${warm.usd}`);
});

test('a short question with a huge attachment gets a warning naming the size and the cost per turn', (t) => {
  const { draft } = pricing(t);
  const huge: AttachedContext = {
    path: 'src/huge.ts',
    label: 'src/huge.ts',
    kind: 'file',
    text: 'export const value = 42;\n'.repeat(6000),
  };
  const warning = draft.estimate(1, 'why?', 'sonnet', setting([huge])).warning;
  assert.match(warning ?? '', /^Attached context is \d+k tokens, \d+x your question; it adds about \$0\.\d+ to every turn uncached/);
  assert.equal(draft.estimate(2, 'why? '.repeat(5000), 'sonnet', setting([huge])).warning, null, 'a long question can use the context');
  const small: AttachedContext = { ...huge, text: 'const x = 1;' };
  assert.equal(draft.estimate(3, 'why?', 'sonnet', setting([small])).warning, null, 'small context is fine');
});

test('counting keystroke by keystroke gives the same figures as counting the whole draft', (t) => {
  const { draft } = pricing(t);
  const { draft: fresh } = pricing(t);
  const final = 'Why does retry() loop forever after SIGTERM?\n```ts\nwhile (!stopped) { await work(); }\n```';
  const state = setting();
  let typed = '';
  let seq = 0;
  for (const char of final) {
    typed += char;
    draft.estimate(++seq, typed, 'auto', state);
  }
  assert.deepEqual(draft.estimate(++seq, typed, 'auto', state).tiers, fresh.estimate(seq, final, 'auto', setting()).tiers);
  assert.deepEqual(
    draft.estimate(++seq, '', 'auto', state).tiers.map((f) => f.draftTokens),
    [0, 0, 0],
  );
});

test('messages are validated on arrival: malformed or unknown ones are refused with a reason', () => {
  assert.ok('message' in parseWebviewMessage({ type: 'send', text: 'hi', choice: 'auto' }));
  const unknownTier = parseWebviewMessage({ type: 'send', text: 'hi', choice: 'gpt' });
  assert.ok('error' in unknownTier && /chat message "send" at choice/.test(unknownTier.error));
  assert.ok('error' in parseWebviewMessage({ type: 'send', text: '', choice: 'auto' }), 'empty message');
  assert.ok('error' in parseWebviewMessage({ type: 'runCommand', command: 'workbench.action.quit' }), 'only allowed commands');
  assert.ok('error' in parseWebviewMessage({ type: 'draft', text: 'x', choice: 'auto' }), 'a draft carries its sequence number');
  assert.ok('error' in parseWebviewMessage({ type: 'evil' }));
  assert.ok('error' in parseHostMessage({ type: 'delta', turnId: 't1' }), 'missing text');
  assert.ok('message' in parseHostMessage({ type: 'delta', turnId: 't1', text: 'x' }));
});
