import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { createMessagesClient } from '../../src/core/anthropic/client.js';
import { ChatEngine, type ChatEngineOptions, type ChatRouter } from '../../src/core/chat/engine.js';
import { Conversation } from '../../src/core/chat/conversation.js';
import { thinkTimesFromLedger } from '../../src/core/chat/thinkTime.js';
import { parseLedgerEntry, type LedgerEntry, type LedgerSource, type SpendTotals } from '../../src/core/ledger/index.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';

const MODEL = 'claude-sonnet-5-5';
const router: ChatRouter = {
  route: () => ({ tier: 'sonnet', model: MODEL, score: 0.5, reasons: ['routed for the test'], maxTokens: 1024, taskClass: 'explain' }),
  chooseWithCache: ({ decision }) => ({ model: decision.model, tier: decision.tier, reasons: decision.reasons }),
};

let now = Date.parse('2026-11-20T09:00:00Z');
let fake: FakeAnthropic;
let entries: LedgerEntry[];
before(async () => {
  fake = await startFakeAnthropic({ clock: () => now });
});
after(() => fake.close());
beforeEach(() => {
  entries = [];
  fake.clearCache();
});

function spend(): SpendTotals {
  const usd = entries.reduce((sum, entry) => sum + entry.usd, 0);
  const totals = {
    requests: entries.length,
    failed: 0,
    inputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    outputTokens: 0,
    usd,
    baselineUsd: 0,
    cacheSavingsUsd: 0,
    routingSavingsUsd: 0,
  };
  return { date: '', today: totals, thisMonth: totals, problems: { count: 0, examples: [] } };
}

/** Requests that could be billed (count_tokens is free, and a hard budget may ask it for an exact count). */
const sentMessages = () => fake.requests.filter((r) => r.path === '/v1/messages').length;

function engine(options: Partial<ChatEngineOptions> = {}, maxRetries = 0) {
  return new ChatEngine({
    client: createMessagesClient({ apiKey: 'sk-test', baseUrl: fake.url, maxRetries }),
    priceTable: bundledPriceTable(),
    ledger: {
      append: (entry) => {
        entries.push(parseLedgerEntry(entry));
        return { written: true };
      },
      spend,
    },
    router,
    workspace: { path: '/work/project', name: 'project' },
    clock: () => now,
    compression: null,
    ...options,
  });
}

const words = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed}${i % 89}`).join(' ');
const conversation = (id = 'conv') => new Conversation(id, words('system', 700), [{ path: 'src/a.ts', text: words('a', 700) }]);

test('a turn streams its text, is recorded once in the ledger and reports what caching saved', async () => {
  const chat = engine();
  const chatConversation = conversation();
  let streamed = '';
  const first = await chat.sendTurn(chatConversation, { user: 'explain a.ts [[tokens:60]]', onText: (delta) => (streamed += delta) });
  assert.equal(first.status, 'ok');
  assert.equal(streamed, first.text);
  assert.ok(first.cacheWriteTokens > 0 && first.savedUsd < 0, 'a first turn only writes: caching costs a little');
  now += 60_000;
  const second = await chat.sendTurn(chatConversation, { user: 'and then? [[tokens:60]]' });
  assert.ok(second.cacheReadTokens > 0 && second.savedUsd > 0, 'the second turn reads the prefix and saves');
  assert.equal(entries.length, 2);
  const entry = entries[1]!;
  assert.deepEqual(
    [entry.status, entry.model, entry.tier, entry.source, entry.conversationId, entry.workspace.path],
    ['ok', MODEL, 'sonnet', 'chat', 'conv', '/work/project'],
  );
  assert.deepEqual(entry.usage, second.usage);
  assert.equal(entry.usd, second.usd);
  assert.ok(entry.baselineUsd > entry.usd);
  assert.ok(entry.routedReasons.includes('routed for the test'));
  assert.ok(Math.abs(second.estimateUsd - second.usd) < second.usd, 'the estimate uses the cache state');
});

test('a stream dropped mid-way is recorded as an error with the usage reported so far; the turn is not kept', async () => {
  const chat = engine();
  const chatConversation = conversation();
  fake.injectFault({ type: 'drop', afterDeltas: 2 });
  const result = await chat.sendTurn(chatConversation, { user: 'long answer please [[tokens:400]]' });
  assert.equal(result.status, 'error');
  assert.ok(result.error);
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.status, 'error');
  assert.ok(entries[0]!.usage.cache_creation_input_tokens! > 0, 'input from message_start');
  assert.ok(entries[0]!.usage.output_tokens > 0 && entries[0]!.usage.output_tokens < 400, 'output so far');
  assert.equal(chatConversation.completedTurns.length, 0);
});

test('a cancelled stream is recorded as aborted with partial usage', async () => {
  const chat = engine();
  const controller = new AbortController();
  fake.injectFault({ type: 'slow', delayMs: 20 });
  const result = await chat.sendTurn(conversation(), {
    user: 'write a lot [[tokens:600]]',
    signal: controller.signal,
    onText: () => controller.abort(),
  });
  assert.equal(result.status, 'aborted');
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.status, 'aborted');
  assert.ok(entries[0]!.usage.output_tokens < 600);
});

test('a request retried after a 429 is recorded once', async () => {
  const chat = engine({}, 2);
  fake.injectFault({ type: 'rate_limit', retryAfterSeconds: 0 });
  const before = sentMessages();
  const result = await chat.sendTurn(conversation(), { user: 'hi [[tokens:10]]' });
  assert.equal(result.status, 'ok');
  assert.equal(sentMessages() - before, 2);
  assert.equal(entries.length, 1);
});

test('over budget a turn is refused before sending, unless overridden', async () => {
  const chat = engine({ budget: { dailyUsd: 0.000001, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null } });
  const before = sentMessages();
  const refused = await chat.sendTurn(conversation(), { user: 'hello [[tokens:10]]' });
  assert.equal(refused.status, 'refused');
  assert.match(refused.budget.message, /daily budget/);
  assert.equal(sentMessages(), before, 'nothing sent');
  assert.equal(entries.length, 0);
  const overridden = await chat.sendTurn(conversation(), { user: 'hello [[tokens:10]]', overrideBudget: true });
  assert.equal(overridden.status, 'ok');
});

test('above the confirmation threshold the caller is asked, and a no sends nothing', async () => {
  const asked: string[] = [];
  const chat = engine({
    budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: 0.000001 },
    confirm: (decision) => (asked.push(decision.message), false),
  });
  const result = await chat.sendTurn(conversation(), { user: 'hello [[tokens:10]]' });
  assert.equal(result.status, 'declined');
  assert.match(asked[0]!, /will cost about/);
  assert.equal(entries.length, 0);
});

test('a long history is compressed by the cheap tier: recent turns kept whole, what was trimmed shown, its cost recorded', async () => {
  const chat = engine({ compression: { historyBudgetTokens: 600, keepRecentTokens: 250 } });
  const chatConversation = conversation('long');
  let trimmed = null;
  for (let i = 1; i <= 8 && !trimmed; i++) {
    const result = await chat.sendTurn(chatConversation, { user: `question ${i} [[tokens:120]]` });
    assert.equal(result.status, 'ok');
    trimmed = result.trimmed;
  }
  assert.ok(trimmed, 'compression happened');
  assert.ok(trimmed.summary.turns.length >= 1);
  assert.equal(trimmed.summary.turns[0], 1);
  const summaryEntry = entries.find((entry) => entry.source === 'summary');
  assert.ok(summaryEntry);
  assert.equal(summaryEntry.tier, 'haiku');
  assert.equal(summaryEntry.usd, trimmed.usd);
  assert.equal(summaryEntry.baselineUsd, summaryEntry.usd, 'a summary is overhead, never a routing saving');
  const kept = chatConversation.completedTurns.map((turn) => turn.number);
  assert.ok(
    kept.every((number) => number > trimmed.summary.turns.at(-1)!),
    'kept turns are the recent ones',
  );
  const lastBody = fake.requests.at(-1)!.body as { system: Array<{ text: string }> };
  assert.ok(
    lastBody.system.some((block) => block.text.includes('<conversation-summary')),
    'the summary is sent in place of the old turns',
  );
});

test('a turn refused by the budget pays for no history summary either', async () => {
  const chat = engine({ compression: { historyBudgetTokens: 600, keepRecentTokens: 250 } });
  const chatConversation = conversation('refused-long');
  for (let i = 1; i <= 3; i++) await chat.sendTurn(chatConversation, { user: `question ${i} [[tokens:200]]` });
  const spentBefore = entries.length;
  const sentBefore = sentMessages();
  const strict = engine({
    compression: { historyBudgetTokens: 600, keepRecentTokens: 250 },
    budget: { dailyUsd: 0.000001, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null },
  });
  const refused = await strict.sendTurn(chatConversation, { user: 'question 4 [[tokens:10]]' });
  assert.equal(refused.status, 'refused');
  assert.equal(refused.trimmed, null);
  assert.equal(sentMessages(), sentBefore, 'neither the summary nor the turn was sent');
  assert.equal(entries.length, spentBefore);
  const overridden = await strict.sendTurn(chatConversation, { user: 'question 4 [[tokens:10]]', overrideBudget: true });
  assert.ok(overridden.trimmed, 'the same turn, sent anyway, did need a summary');
});

test("in 'model' mode the classifier model's request is recorded in the ledger as routing overhead", async () => {
  const classifying: ChatRouter = {
    ...router,
    routeForSend: async (input) => ({
      ...router.route(input),
      classifierCost: { model: 'claude-haiku-5-5', usage: { input_tokens: 300, output_tokens: 2 }, usd: 0.000031 },
    }),
  };
  const result = await engine({ router: classifying }).sendTurn(conversation(), { user: 'hello [[tokens:10]]' });
  assert.equal(result.status, 'ok');
  const routing = entries.find((entry) => entry.source === 'router');
  assert.ok(routing, 'the classifier request is in the ledger');
  assert.equal(routing.model, 'claude-haiku-5-5');
  assert.equal(routing.usd, 0.000031);
  assert.equal(routing.baselineUsd, routing.usd);
  assert.equal(entries.length, 2);
});

test('an edit to one attached file re-writes only that file and what follows it', async () => {
  const chat = engine({ cacheTtl: '1h' });
  const files = ['a', 'b', 'c', 'd'].map((name) => ({ path: `${name}.ts`, text: words(name, 500) }));
  const chatConversation = new Conversation('edit', words('sys', 700), files);
  await chat.sendTurn(chatConversation, { user: 'q1 [[tokens:20]]' });
  now += 60_000;
  const edited = await chat.sendTurn(chatConversation, {
    user: 'q2 [[tokens:20]]',
    context: [{ path: 'b.ts', text: words('b-edited', 500) }],
  });
  assert.deepEqual(edited.replacedContext, ['b.ts']);
  now += 60_000;
  const again = await chat.sendTurn(chatConversation, {
    user: 'q3 [[tokens:20]]',
    context: [{ path: 'b.ts', text: words('b-edited-again', 500) }],
  });
  const fileTokens = edited.usage!.cache_creation_input_tokens! - again.usage!.cache_creation_input_tokens!;
  assert.ok(edited.cacheReadTokens > 0, 'the system prompt is still read after the first edit');
  assert.ok(again.cacheReadTokens > edited.cacheReadTokens, 'after the second edit the other three files are read too');
  assert.ok(fileTokens > 0);
});

test("a user's pauses in earlier conversations, read from the ledger, set 'auto' TTLs from the first question", async () => {
  const entry = (conversationId: string, ts: string, source: LedgerSource = 'chat'): LedgerEntry => ({
    ts,
    workspace: { path: '/w', name: 'w' },
    source,
    client: null,
    messageId: null,
    usageEstimated: false,
    conversationId,
    model: MODEL,
    tier: 'sonnet',
    routedReasons: [],
    usage: { input_tokens: 1, output_tokens: 1 },
    usd: 0,
    baselineUsd: 0,
    requestId: null,
    status: 'ok',
    durationMs: 60_000,
  });
  const pauses = thinkTimesFromLedger([
    entry('one', '2026-11-18T10:00:00.000Z'),
    entry('two', '2026-11-18T10:05:00.000Z'),
    entry('one', '2026-11-18T10:21:00.000Z'),
    entry('one', '2026-11-18T10:22:30.000Z', 'summary'),
    entry('two', '2026-11-18T10:06:30.000Z'),
  ]);
  assert.deepEqual(pauses, [30_000, 20 * 60_000]);

  const slowThinker = engine({ cacheTtl: 'auto', thinkTimesMs: Array(10).fill(20 * 60_000) });
  const first = await slowThinker.sendTurn(conversation('slow'), { user: 'first question [[tokens:20]]' });
  assert.equal(first.ttl.turn, '1h');
  const newcomer = engine({ cacheTtl: 'auto' });
  const cold = await newcomer.sendTurn(conversation('new'), { user: 'first question [[tokens:20]]' });
  assert.equal(cold.ttl.turn, '5m', 'without history a first question is written for 5 minutes');
});
