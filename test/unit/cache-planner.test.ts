import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutBlocks, planBreakpoints, type PromptBlock } from '../../src/core/cache/planner.js';
import { chooseTtls, type TtlInputs } from '../../src/core/cache/ttl.js';
import { Conversation } from '../../src/core/chat/conversation.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { ratesOn } from '../../src/core/prices/priceTable.js';

const FIVE: { prefix: '5m'; turn: '5m'; reason: string } = { prefix: '5m', turn: '5m', reason: '' };
const tokensOf = (text: string) => text.length; // one token per character keeps the arithmetic visible

function conversationWith(turns: number): Conversation {
  const conversation = new Conversation('c', 'S'.repeat(600), [
    { path: 'a.ts', text: 'A'.repeat(400) },
    { path: 'b.ts', text: 'B'.repeat(400) },
  ]);
  for (let i = 1; i <= turns; i++) conversation.addTurn(`question ${i}`, `answer ${i}`, i);
  return conversation;
}

test('breakpoints go on the latest turn, the end of system+context and the end of the system prompt', () => {
  const layout = conversationWith(2).layout('next question', tokensOf, 0);
  const plan = planBreakpoints(layout, { minCacheableTokens: 500, ttl: FIVE });
  const last = layout.blocks.length - 1;
  assert.deepEqual(
    plan.map((bp) => [bp.label, bp.index]),
    [
      ['system', 0],
      ['prefix', 2],
      ['turn', last],
    ],
  );
  assert.equal(plan.at(-1)!.prefixTokens, layout.cumulativeTokens[last]);
});

test('no breakpoint is placed where the prefix is shorter than the model minimum', () => {
  const layout = conversationWith(0).layout('q', tokensOf, 0);
  const plan = planBreakpoints(layout, { minCacheableTokens: 1000, ttl: FIVE });
  // system alone (600) cannot cache; system + files (1400) can.
  assert.ok(plan.every((bp) => bp.prefixTokens >= 1000));
  assert.ok(!plan.some((bp) => bp.label === 'system'));
  assert.equal(planBreakpoints(layout, { minCacheableTokens: 5000, ttl: FIVE }).length, 0);
});

test('never more than four breakpoints, and 1h entries never follow 5m ones', () => {
  const conversation = conversationWith(3);
  conversation.attach([{ path: 'a.ts', text: 'edited'.repeat(80) }], 4);
  const layout = conversation.layout('q', tokensOf, 0);
  const plan = planBreakpoints(layout, { minCacheableTokens: 100, ttl: { prefix: '5m', turn: '1h', reason: '' } });
  assert.ok(plan.length <= 4);
  assert.deepEqual(
    plan.map((bp) => bp.ttl),
    plan.map(() => '1h'),
  );
  const mixed = planBreakpoints(layout, { minCacheableTokens: 100, ttl: { prefix: '1h', turn: '5m', reason: '' } });
  const ttls = mixed.map((bp) => bp.ttl);
  assert.deepEqual(
    ttls,
    [...ttls].sort((a, b) => (a === b ? 0 : a === '1h' ? -1 : 1)),
  );
  assert.equal(ttls.at(-1), '5m');
});

test('an edited file moves last and a breakpoint marks the files before it', () => {
  const conversation = conversationWith(1);
  conversation.attach([{ path: 'a.ts', text: 'a2'.repeat(200) }], 2);
  assert.deepEqual(
    conversation.orderedFiles().map((file) => file.path),
    ['b.ts', 'a.ts'],
  );
  const layout = conversation.layout('q', tokensOf, 0);
  const plan = planBreakpoints(layout, { minCacheableTokens: 100, ttl: FIVE });
  const stable = plan.find((bp) => bp.label === 'stable');
  assert.ok(stable, 'a stable-context breakpoint');
  assert.match(layout.blocks[stable.index]!.text, /path="b.ts"/);
  // Unchanged text is not an edit: nothing moves.
  assert.deepEqual(conversation.attach([{ path: 'b.ts', text: 'B'.repeat(400) }], 3), []);
});

test('a warm entry further back than the 20-block lookback gets a breakpoint of its own', () => {
  const blocks: PromptBlock[] = [{ area: 'system', role: 'system', text: 's', tokens: 2000 }];
  for (let i = 0; i < 30; i++) blocks.push({ area: 'history', role: i % 2 ? 'assistant' : 'user', text: `t${i}`, tokens: 10 });
  blocks.push({ area: 'turn', role: 'user', text: 'now', tokens: 10 });
  const layout = layoutBlocks(blocks, 0);
  const plan = planBreakpoints(layout, { minCacheableTokens: 100, ttl: FIVE, warmIndexes: [5] });
  assert.ok(plan.some((bp) => bp.label === 'bridge' && bp.index === 5));
  const near = planBreakpoints(layout, { minCacheableTokens: 100, ttl: FIVE, warmIndexes: [25] });
  assert.ok(!near.some((bp) => bp.label === 'bridge'));
});

const sonnetRates = ratesOn(resolveModel(bundledPriceTable(), 'claude-sonnet-5-5'), '2026-11-20');
const minutes = (m: number) => m * 60_000;
const autoInputs = (over: Partial<TtlInputs>): TtlInputs => ({
  setting: 'auto',
  thinkTimesMs: [],
  coldPrefix: true,
  firstQuestion: true,
  writeTokens: 26_000,
  protectedTokens: 26_000,
  rates: sonnetRates,
  ...over,
});

test('auto TTL: a first question is written for 5 minutes (a single question never pays the 1h premium)', () => {
  assert.equal(chooseTtls(autoInputs({})).turn, '5m');
});

test('auto TTL: once the prompt is warm, the small new turn buys a 1h entry that protects the whole prompt', () => {
  const choice = chooseTtls(autoInputs({ coldPrefix: false, firstQuestion: false, thinkTimesMs: [minutes(1)], writeTokens: 400 }));
  assert.equal(choice.turn, '1h');
  assert.equal(choice.prefix, '1h');
  assert.match(choice.reason, /auto/);
});

test('auto TTL: a user who always answers at once keeps 5m when the new turn is large relative to the prompt', () => {
  const quick = Array.from({ length: 30 }, () => 20_000);
  assert.equal(
    chooseTtls(autoInputs({ coldPrefix: false, firstQuestion: false, thinkTimesMs: quick, writeTokens: 5_000, protectedTokens: 8_000 }))
      .turn,
    '5m',
  );
});

test('auto TTL: a rewrite mid-conversation (after a lapse or an edit) is written for 1 hour', () => {
  assert.equal(chooseTtls(autoInputs({ firstQuestion: false, thinkTimesMs: [minutes(12)] })).turn, '1h');
});

test('fixed TTL settings place what they say', () => {
  assert.deepEqual(
    (['5m', '1h', '1h+5m'] as const).map((setting) => {
      const { prefix, turn } = chooseTtls(autoInputs({ setting }));
      return [prefix, turn];
    }),
    [
      ['5m', '5m'],
      ['1h', '1h'],
      ['1h', '5m'],
    ],
  );
});
