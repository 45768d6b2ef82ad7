import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MessagesClient, MessagesRequest, MessagesResult, StreamCallbacks } from '../../src/core/anthropic/client.js';
import { memoryBudgetGuard } from '../../src/core/budget/index.js';
import { createChatStack } from '../../src/core/chat/stack.js';
import type { CompressionSettings } from '../../src/core/chat/compress.js';
import { ChatEngine } from '../../src/core/chat/engine.js';
import { ApiError } from '../../src/core/errors.js';
import { openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { ChatSession, type ChatSessionDeps } from '../../src/extension/chat/chatSession.js';
import { ConversationStore, type KeyValueStore } from '../../src/extension/chat/conversationStore.js';
import { chatRouterFor, routerConfigFrom, tableWithTierModels } from '../../src/extension/chat/routing.js';
import { DEFAULT_SETTINGS, checkAllowList, type TallySettings } from '../../src/extension/settings.js';
import type { HostMessage, Notice, Turn } from '../../src/protocol/chat.js';
import { parseHostMessage } from '../../src/protocol/chat.js';

class MapStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return structuredClone(this.data.get(key)) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
  }
}

/** Answers every request with `reply` in two chunks; `fail` makes the next request fail like the API would. */
class FakeClient implements MessagesClient {
  requests: MessagesRequest[] = [];
  fail: ApiError | null = null;
  hold: Promise<void> | null = null;
  constructor(private readonly reply = 'Use **`Array.prototype.flat`**.') {}
  async stream(request: MessagesRequest, callbacks: StreamCallbacks = {}): Promise<MessagesResult> {
    this.requests.push(request);
    const base = {
      model: request.model,
      messageId: `msg_${this.requests.length}`,
      requestId: `req_${this.requests.length}`,
      durationMs: 5,
      stopReason: 'end_turn',
      usageEstimated: false,
      usageProblem: null,
      toolUses: [],
    };
    if (this.fail) return { ...base, status: 'error', text: '', usage: null, error: this.fail };
    const half = Math.floor(this.reply.length / 2);
    callbacks.onText?.(this.reply.slice(0, half));
    if (this.hold) await this.hold;
    const usage = { input_tokens: 40, output_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    if (callbacks.signal?.aborted) return { ...base, status: 'aborted', text: this.reply.slice(0, half), usage, error: null };
    callbacks.onText?.(this.reply.slice(half));
    return { ...base, status: 'ok', text: this.reply, usage, error: null };
  }
  async countTokens(): Promise<number> {
    return 0;
  }
}

function setup(
  options: {
    settings?: Partial<TallySettings>;
    key?: boolean;
    store?: MapStore;
    client?: FakeClient;
    compression?: CompressionSettings;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'tally-chat-session-'));
  const settings: TallySettings = { ...DEFAULT_SETTINGS, ...options.settings };
  const table = tableWithTierModels(bundledPriceTable(), settings);
  const client = options.client ?? new FakeClient();
  const store = options.store ?? new MapStore();
  const posted: HostMessage[] = [];
  const mentionReads: string[] = [];
  const ledger = openLedger(dir, { priceTable: table });
  // The stack prices drafts (as the extension's does); the engine it would build is replaced by one on a fake client.
  const stack = createChatStack({
    apiKey: async () => undefined,
    settings: () => ({
      models: settings.models,
      router: routerConfigFrom(settings),
      budget: { ...settings.budget },
      apiBaseUrl: null,
      cacheTtl: settings.cacheTtl,
    }),
    priceTable: () => bundledPriceTable(),
    ledger: () => ({ ledger, guard: memoryBudgetGuard(ledger) }),
    workspace: () => ({ path: dir, name: 'ws' }),
    clock: () => Date.parse('2026-11-29T12:00:00Z'),
    source: 'chat',
  });
  const cache = stack.cache;
  let session: ChatSession;
  const engine = new ChatEngine({
    client,
    priceTable: table,
    ledger,
    router: chatRouterFor(table, settings),
    workspace: { path: dir, name: 'ws' },
    budget: { ...settings.budget },
    confirm: (decision) => session.confirmBudget(decision.message),
    cache,
    ...(options.compression ? { compression: options.compression } : {}),
  });
  let ids = 0;
  const noKey: Notice = { kind: 'noKey', message: 'No Anthropic API key yet.', action: 'tally.setApiKey' };
  const deps: ChatSessionDeps = {
    store: new ConversationStore(store),
    post: (message) => {
      // Everything the host posts must pass the webview's own validation.
      // Like postMessage, keep a copy as it was at the time of posting.
      const copy = JSON.parse(JSON.stringify(message)) as HostMessage;
      const parsed = parseHostMessage(copy);
      assert.ok(!('error' in parsed), 'error' in parsed ? parsed.error : '');
      posted.push(copy);
    },
    engine: async (): Promise<ChatEngine | Notice> => (options.key === false ? noKey : engine),
    sendingBlocked: async () => (options.key === false ? noKey : undefined),
    stack,
    models: () => settings.models,
    readAttachment: async (kind) => ({ path: 'src/big.ts', label: 'src/big.ts', kind, text: 'export const x = 1;\n'.repeat(2000) }),
    readMention: async (path) => {
      mentionReads.push(path);
      return path === 'src/cart.ts'
        ? { path, label: path, kind: 'file', text: 'export const cart = [];\n'.repeat(300) }
        : `${path} could not be read: no such file`;
    },
    runCommand: () => {},
    now: () => Date.parse('2026-11-29T12:00:00Z'),
    newId: () => `id-${++ids}`,
    log: () => {},
  };
  session = new ChatSession(deps);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const of = <T extends HostMessage['type']>(type: T) => posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
  const lastTurn = (): Turn => of('turn').at(-1)!.turn;
  return { session, client, store, posted, of, lastTurn, cleanup, mentionReads };
}

test('a sent message streams into the panel, then shows the model, its reasons and the actual cost', async (t) => {
  const s = setup();
  t.after(s.cleanup);
  await s.session.handle({ type: 'ready' });
  await s.session.handle({ type: 'send', text: 'rename this variable to camelCase', choice: 'auto' });
  assert.equal(s.of('turn')[0]!.turn.status, 'streaming');
  assert.equal(
    s
      .of('delta')
      .map((d) => d.text)
      .join(''),
    'Use **`Array.prototype.flat`**.',
  );
  const turn = s.lastTurn();
  assert.equal(turn.status, 'ok');
  assert.equal(turn.answer, 'Use **`Array.prototype.flat`**.');
  assert.ok(turn.model?.startsWith('claude-'));
  assert.ok(turn.reasons.length > 0, 'which model answered and why');
  assert.ok(turn.usage && turn.usage.usd > 0 && turn.usage.inputTokens === 40 && turn.usage.outputTokens === 12);
  assert.deepEqual(
    s.of('busy').map((b) => b.busy),
    [true, false],
  );
});

test('conversations persist per workspace and come back after a reload, with the history list', async (t) => {
  const store = new MapStore();
  const first = setup({ store });
  t.after(first.cleanup);
  await first.session.handle({ type: 'send', text: 'What does flatMap do?', choice: 'sonnet' });
  await new Promise((resolve) => setImmediate(resolve));

  const reloaded = setup({ store });
  t.after(reloaded.cleanup);
  await reloaded.session.handle({ type: 'ready' });
  const init = reloaded.of('init')[0]!;
  assert.equal(init.conversation.title, 'What does flatMap do?');
  assert.deepEqual(
    init.conversation.turns.map((turn) => [turn.user, turn.status]),
    [['What does flatMap do?', 'ok']],
  );
  assert.deepEqual(
    init.history.map((h) => h.title),
    ['What does flatMap do?'],
  );

  await reloaded.session.handle({ type: 'newChat' });
  assert.deepEqual(reloaded.of('init').at(-1)!.conversation.turns, []);
  await reloaded.session.handle({ type: 'openConversation', conversationId: init.conversation.id });
  assert.equal(reloaded.of('init').at(-1)!.conversation.turns.length, 1);
});

test('without an API key nothing is sent: the panel asks for one and the message goes back to the input', async (t) => {
  const s = setup({ key: false });
  t.after(s.cleanup);
  await s.session.handle({ type: 'ready' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(s.of('notice').at(-1)?.notice?.kind, 'noKey', 'the panel says so as soon as it opens');
  await s.session.handle({ type: 'send', text: 'hello', choice: 'auto' });
  assert.equal(s.client.requests.length, 0);
  assert.deepEqual(s.of('notice').at(-1)!.notice, { kind: 'noKey', message: 'No Anthropic API key yet.', action: 'tally.setApiKey' });
  assert.deepEqual(s.of('setDraft').at(-1), { type: 'setDraft', text: 'hello', choice: null });
  assert.equal(s.of('turn').length, 0);
});

test('a rejected key shows the API message with a button to set the key', async (t) => {
  const client = new FakeClient();
  client.fail = new ApiError('Anthropic rejected the API key (401 authentication_error): set a valid key', 401);
  const s = setup({ client });
  t.after(s.cleanup);
  await s.session.handle({ type: 'send', text: 'hello', choice: 'haiku' });
  const notice = s.of('notice').at(-1)!.notice!;
  assert.equal(notice.kind, 'badKey');
  assert.match(notice.message, /Anthropic rejected the API key/);
  assert.equal(notice.action, 'tally.setApiKey');
  assert.equal(s.lastTurn().status, 'error');
  assert.deepEqual(
    s.of('setDraft').at(-1),
    { type: 'setDraft', text: 'hello', choice: null },
    'the question is back in the input to resend',
  );
});

test('over budget: the panel shows a refusal; "send anyway" sends, cancel hands the message back unsent', async (t) => {
  const s = setup({ settings: { budget: { dailyUsd: 0, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null } } });
  t.after(s.cleanup);
  const cancelled = s.session.handle({ type: 'send', text: 'explain this stack trace', choice: 'sonnet' });
  await new Promise((resolve) => setImmediate(resolve));
  const refusal = s.of('budgetPrompt').at(-1)!.prompt;
  assert.equal(refusal.kind, 'refuse');
  assert.match(refusal.message, /daily budget \$0\.00 would be exceeded/);
  await s.session.handle({ type: 'budgetAnswer', promptId: refusal.promptId, sendAnyway: false });
  await cancelled;
  assert.equal(s.client.requests.length, 0);
  assert.deepEqual(s.of('setDraft').at(-1), { type: 'setDraft', text: 'explain this stack trace', choice: null });

  const anyway = s.session.handle({ type: 'send', text: 'explain this stack trace', choice: 'sonnet' });
  await new Promise((resolve) => setImmediate(resolve));
  const again = s.of('budgetPrompt').at(-1)!.prompt;
  await s.session.handle({ type: 'budgetAnswer', promptId: again.promptId, sendAnyway: true });
  await anyway;
  assert.equal(s.client.requests.length, 1);
  assert.equal(s.lastTurn().status, 'ok');
});

test('above the confirmation threshold the engine waits for the dialog', async (t) => {
  const s = setup({ settings: { budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: 0 } } });
  t.after(s.cleanup);
  const sending = s.session.handle({ type: 'send', text: 'hi', choice: 'opus' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const prompt = s.of('budgetPrompt').at(-1)!.prompt;
  assert.equal(prompt.kind, 'confirm');
  assert.match(prompt.message, /confirmation threshold/);
  assert.equal(s.client.requests.length, 0, 'nothing sent before the answer');
  await s.session.handle({ type: 'budgetAnswer', promptId: prompt.promptId, sendAnyway: true });
  await sending;
  assert.equal(s.client.requests.length, 1);
});

test('retry on a higher tier asks again on the next tier and drops the weaker answer from what the model sees', async (t) => {
  const s = setup();
  t.after(s.cleanup);
  await s.session.handle({ type: 'send', text: 'format this JSON', choice: 'haiku' });
  const first = s.lastTurn();
  assert.equal(first.tier, 'haiku');
  await s.session.handle({ type: 'retryHigher', turnId: first.id });
  const retried = s.lastTurn();
  assert.equal(retried.tier, 'sonnet');
  assert.equal(retried.supersedes, first.id);
  assert.equal(s.client.requests[1]!.model, DEFAULT_SETTINGS.models.sonnet);
  const userMessages = s.client.requests[1]!.messages.filter((m) => m.role === 'user');
  assert.equal(userMessages.length, 1, 'the haiku answer is not in the retried request');
});

test('stop aborts the stream and keeps the partial answer, marked stopped', async (t) => {
  const client = new FakeClient('first halfsecond half');
  let release!: () => void;
  client.hold = new Promise((resolve) => (release = resolve));
  const s = setup({ client });
  t.after(s.cleanup);
  const sending = s.session.handle({ type: 'send', text: 'write a long essay', choice: 'sonnet' });
  await new Promise((resolve) => setImmediate(resolve));
  await s.session.handle({ type: 'stop' });
  release();
  await sending;
  const turn = s.lastTurn();
  assert.equal(turn.status, 'aborted');
  assert.equal(turn.answer, 'first half');
});

test("attached context shows its token and cost weight per tier, and is in every tier's estimate of the draft", async (t) => {
  const s = setup();
  t.after(s.cleanup);
  await s.session.handle({ type: 'ready' });
  await s.session.handle({ type: 'draft', seq: 1, text: 'what does this do?', choice: 'auto' });
  const before = s
    .of('estimates')
    .at(-1)!
    .estimates.tiers.find((f) => f.tier === 'sonnet')!.inputTokens;
  await s.session.handle({ type: 'attach', kind: 'file' });
  const attachment = s.of('attachments').at(-1)!.attachments[0]!;
  assert.equal(attachment.label, 'src/big.ts');
  assert.ok(attachment.tokens.sonnet > 5000);
  assert.ok(attachment.usd.opus > attachment.usd.sonnet && attachment.usd.sonnet > attachment.usd.haiku);
  const after = s
    .of('estimates')
    .at(-1)!
    .estimates.tiers.find((f) => f.tier === 'sonnet')!.inputTokens;
  assert.ok(after - before >= attachment.tokens.sonnet, `the request grew by ${after - before}`);
  await s.session.handle({ type: 'detach', attachmentId: attachment.id });
  assert.deepEqual(s.of('attachments').at(-1)!.attachments, []);
});

test('#file:path in the prompt attaches that file as soon as the mention is finished, and is priced before sending', async (t) => {
  const s = setup();
  t.after(s.cleanup);
  await s.session.handle({ type: 'ready' });
  await s.session.handle({ type: 'draft', seq: 1, text: 'review #file:src/ca', choice: 'auto' });
  await s.session.handle({ type: 'draft', seq: 2, text: 'review #file:src/cart.ts', choice: 'auto' });
  assert.deepEqual(s.mentionReads, [], 'a mention still being typed is not looked up');
  await s.session.handle({ type: 'draft', seq: 3, text: 'review #file:src/cart.ts for bugs', choice: 'auto' });
  await s.session.handle({ type: 'draft', seq: 4, text: 'review #file:src/cart.ts for bugs, and #file:nope.ts ', choice: 'auto' });
  await s.session.handle({ type: 'draft', seq: 5, text: 'review #file:src/cart.ts for bugs, and #file:nope.ts please', choice: 'auto' });
  assert.deepEqual(s.mentionReads, ['src/cart.ts', 'nope.ts'], 'each mention is read once');
  const attachments = s.of('attachments').at(-1)!.attachments;
  assert.deepEqual(
    attachments.map((a) => a.label),
    ['src/cart.ts'],
  );
  const sonnet = s
    .of('estimates')
    .at(-1)!
    .estimates.tiers.find((f) => f.tier === 'sonnet')!;
  assert.ok(sonnet.inputTokens > attachments[0]!.tokens.sonnet, 'the draft estimate carries the mentioned file');
  const notices = s.of('notice').filter((m) => m.notice?.message.includes('nope.ts'));
  assert.equal(notices.length, 1, 'an unreadable mention is said once');
});

test('workspace rules win over the classifier, and the recommendation says so', async (t) => {
  const s = setup({ settings: { routing: { mode: 'local', allowList: [], rules: [{ pattern: 'prod incident', tier: 'opus' }] } } });
  t.after(s.cleanup);
  await s.session.handle({ type: 'draft', seq: 1, text: 'rename x; prod incident follow-up', choice: 'auto' });
  const rec = s.of('estimates').at(-1)!.estimates.recommendation!;
  assert.equal(rec.tier, 'opus');
  assert.match(rec.reasons.join(' '), /workspace rule '\/prod incident\/' → opus/);
});

test('a keyword rule matches text a regular expression could not (c++), and the recommendation names it', async (t) => {
  const s = setup({ settings: { routing: { mode: 'local', allowList: [], rules: [{ keyword: 'C++', tier: 'opus' }] } } });
  t.after(s.cleanup);
  await s.session.handle({ type: 'draft', seq: 1, text: 'rename this c++ variable', choice: 'auto' });
  const rec = s.of('estimates').at(-1)!.estimates.recommendation!;
  assert.equal(rec.tier, 'opus');
  assert.match(rec.reasons.join(' '), /workspace rule 'c\+\+' → opus/);
});

test('the allow-list, given by alias, is never left: an unlisted tier moves up to an allowed one and says why', async (t) => {
  const table = bundledPriceTable();
  const checked = checkAllowList(
    { ...DEFAULT_SETTINGS, routing: { mode: 'local', allowList: ['sonnet-5.5', 'opus-5.5'], rules: [] } },
    DEFAULT_SETTINGS,
    table,
  );
  assert.deepEqual(checked.problems, []);
  const s = setup({ settings: checked.settings });
  t.after(s.cleanup);
  await s.session.handle({ type: 'draft', seq: 1, text: 'rename x to y', choice: 'auto' });
  const rec = s.of('estimates').at(-1)!.estimates.recommendation!;
  assert.equal(rec.tier, 'sonnet', 'a haiku-grade prompt goes to the cheapest allowed tier');
  assert.match(
    rec.reasons.join(' '),
    /claude-haiku-5-5 is not in the allow-list: using Sonnet \(claude-sonnet-5-5; next allowed tier up\)/,
  );
  await s.session.handle({ type: 'send', text: 'rename x to y', choice: 'auto' });
  assert.equal(s.client.requests[0]!.model, 'claude-sonnet-5-5');
});

test('an allow-list naming only another Haiku routes haiku work there, not outside the list', async (t) => {
  const s = setup({ settings: { routing: { mode: 'local', allowList: ['claude-haiku-4-5'], rules: [] } } });
  t.after(s.cleanup);
  await s.session.handle({ type: 'send', text: 'rename x to y', choice: 'auto' });
  assert.equal(s.client.requests[0]!.model, 'claude-haiku-4-5');
});

test('starting a new chat while a reply streams stops it and keeps the stopped turn in its own conversation', async (t) => {
  const client = new FakeClient('first halfsecond half');
  let release!: () => void;
  client.hold = new Promise((resolve) => (release = resolve));
  const store = new MapStore();
  const s = setup({ client, store });
  t.after(s.cleanup);
  const sending = s.session.handle({ type: 'send', text: 'long question', choice: 'sonnet' });
  await new Promise((resolve) => setImmediate(resolve));
  const oldId = s.session.conversationId;
  await s.session.handle({ type: 'newChat' });
  release();
  await sending;
  await new Promise((resolve) => setImmediate(resolve));
  assert.notEqual(s.session.conversationId, oldId);
  const old = new ConversationStore(store).load(oldId);
  assert.deepEqual(
    old?.turns.map((turn) => [turn.user, turn.status]),
    [['long question', 'aborted']],
  );
  assert.deepEqual(s.of('init').at(-1)!.conversation.turns, []);
});

test('a budget dialog open while the panel is hidden is asked again when it is shown', async (t) => {
  const s = setup({ settings: { budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: 0 } } });
  t.after(s.cleanup);
  const sending = s.session.handle({ type: 'send', text: 'hi', choice: 'opus' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const asked = s.of('budgetPrompt').at(-1)!.prompt;
  // Hidden and shown again: a fresh webview says `ready`.
  await s.session.handle({ type: 'ready' });
  const kinds = s.posted.map((m) => m.type);
  assert.ok(kinds.lastIndexOf('budgetPrompt') > kinds.lastIndexOf('init'), 'the question comes after the state');
  assert.deepEqual(s.of('budgetPrompt').at(-1)!.prompt, asked);
  await s.session.handle({ type: 'budgetAnswer', promptId: asked.promptId, sendAnyway: true });
  await sending;
  assert.equal(s.client.requests.length, 1);
});

for (const leave of ['stop', 'newChat', 'panel closed'] as const) {
  test(`leaving a budget dialog unanswered (${leave}) declines it, keeps the text and frees the panel`, async (t) => {
    const s = setup({ settings: { budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: 0 } } });
    t.after(s.cleanup);
    const sending = s.session.handle({ type: 'send', text: 'explain the retry loop', choice: 'opus' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(s.of('budgetPrompt').length, 1);
    if (leave === 'panel closed') s.session.declineBudgetPrompts();
    else await s.session.handle({ type: leave });
    await sending;
    assert.equal(s.client.requests.length, 0, 'nothing sent without a yes');
    assert.deepEqual(s.of('setDraft').at(-1), { type: 'setDraft', text: 'explain the retry loop', choice: null });
    assert.equal(s.session.busy, false);
    // The next send is not told that a reply is still streaming.
    const next = s.session.handle({ type: 'send', text: 'again', choice: 'opus' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(!s.of('notice').some((n) => /still streaming/.test(n.notice?.message ?? '')));
    assert.equal(s.of('budgetPrompt').length, 2);
    s.session.declineBudgetPrompts();
    await next;
  });
}

test('an attached file edited and attached again shows its new weight (counts are reused only for the same text)', async (t) => {
  const s = setup();
  t.after(s.cleanup);
  const file = { path: 'src/a.ts', label: 'src/a.ts', kind: 'file' as const };
  s.session.attach({ ...file, text: 'export const x = 1;\n'.repeat(100) });
  await s.session.handle({ type: 'draft', seq: 1, text: 'what does this do?', choice: 'auto' });
  const small = s.of('attachments').at(-1)!.attachments[0]!.tokens.sonnet;
  s.session.attach({ ...file, text: 'export const x = 1;\n'.repeat(400) });
  const large = s.of('attachments').at(-1)!.attachments[0]!.tokens.sonnet;
  assert.ok(large > 3 * small, `${small} then ${large} tokens`);
  assert.equal(s.of('attachments').at(-1)!.attachments.length, 1, 'the same path replaces, not adds');
});

test('a history summary is kept with the conversation: after a reload the next request is the same, nothing summarised again', async (t) => {
  const store = new MapStore();
  const compression = { historyBudgetTokens: 120, keepRecentTokens: 40 };
  const isSummary = (request: MessagesRequest) => JSON.stringify(request.system ?? '').includes('compress the earlier part');
  const question = (n: number) => `question ${n}: ${'why does the scheduler drop jobs under load '.repeat(4)}`;
  const first = setup({ store, compression });
  t.after(first.cleanup);
  for (let n = 1; n <= 3; n++) await first.session.handle({ type: 'send', text: question(n), choice: 'sonnet' });
  assert.ok(first.client.requests.some(isSummary), 'the history passed its budget and was summarised');
  assert.ok(
    first.of('turn').some((m) => m.turn.trimmed !== null),
    'the panel said so',
  );
  await new Promise((resolve) => setImmediate(resolve));

  // The same workspace state, opened again (a reload), next to the session that never closed.
  const copy = new MapStore();
  for (const [key, value] of store.data) copy.data.set(key, structuredClone(value));
  const reloaded = setup({ store: copy, compression });
  t.after(reloaded.cleanup);
  await reloaded.session.handle({ type: 'ready' });
  assert.equal(reloaded.of('init')[0]!.conversation.turns.length, 3, 'every turn is still shown');

  const before = first.client.requests.length;
  await first.session.handle({ type: 'send', text: 'and the fix?', choice: 'sonnet' });
  await reloaded.session.handle({ type: 'send', text: 'and the fix?', choice: 'sonnet' });
  const sent = (requests: MessagesRequest[]) => requests.map((r) => ({ summary: isSummary(r), system: r.system, messages: r.messages }));
  assert.deepEqual(sent(reloaded.client.requests), sent(first.client.requests.slice(before)));
  assert.match(JSON.stringify(reloaded.client.requests.at(-1)), /conversation-summary/);
  assert.doesNotMatch(JSON.stringify(reloaded.client.requests), /question 1:/, 'the summarised question is not re-sent or re-summarised');
});
