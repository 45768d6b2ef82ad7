// VS Code's language-model messages as the Messages API takes them, and Tally's provider pipeline
// against the fake API: routed, cached, budgeted, and one ledger entry with source vscode-chat.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMessagesClient } from '../../src/core/anthropic/client.js';
import type { ToolUse } from '../../src/core/anthropic/client.js';
import { memoryBudgetGuard } from '../../src/core/budget/index.js';
import { openLedger, type Ledger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, DEFAULT_TIER_MODELS } from '../../src/core/prices/priceTable.js';
import { defaultRouterConfig } from '../../src/core/router/index.js';
import { LM_ROLE, LM_TOOL_MODE, messageText, toAnthropicConversation, toAnthropicTools } from '../../src/extension/lm/messages.js';
import { LmPipeline, type LmPipelineHost } from '../../src/extension/lm/send.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { scratchDir } from './scratch.js';

// Shapes as VS Code hands them to a provider (its classes carry exactly these fields).
const text = (value: string) => ({ value });
const call = (callId: string, name: string, input: object) => ({ callId, name, input });
const result = (callId: string, content: unknown[]) => ({ callId, content });
const data = (mimeType: string, bytes: Uint8Array) => ({ mimeType, data: bytes });

describe('messages', () => {
  test('system, user and assistant turns; tool calls and results become tool_use and tool_result', () => {
    const mapped = toAnthropicConversation([
      { role: LM_ROLE.system, content: [text('You are terse.')] },
      { role: LM_ROLE.user, content: [text('Read a.ts')] },
      { role: LM_ROLE.assistant, content: [text('Reading.'), call('call_1', 'read', { path: 'a.ts' })] },
      { role: LM_ROLE.user, content: [text('and then?'), result('call_1', [text('export const a = 1;')])] },
    ]);
    assert.deepEqual(mapped.system, [{ type: 'text', text: 'You are terse.' }]);
    assert.deepEqual(mapped.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Read a.ts' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading.' },
          { type: 'tool_use', id: 'call_1', name: 'read', input: { path: 'a.ts' } },
        ],
      },
      {
        role: 'user',
        // The tool result first, as the API requires right after a tool_use.
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'export const a = 1;' }] },
          { type: 'text', text: 'and then?' },
        ],
      },
    ]);
  });

  test('consecutive messages of one role are one turn; empty text and unknown parts are dropped', () => {
    const mapped = toAnthropicConversation([
      { role: LM_ROLE.user, content: [text('one')] },
      { role: LM_ROLE.user, content: [text(''), data('cache_control', new Uint8Array([1])), text('two')] },
      { role: LM_ROLE.assistant, content: [] },
    ]);
    assert.deepEqual(mapped.messages, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  test('images go as base64 image blocks; text-like data parts as text; other binaries are left out', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const mapped = toAnthropicConversation([
      {
        role: LM_ROLE.user,
        content: [data('image/png', png), data('text/plain', new TextEncoder().encode('notes')), data('application/zip', png)],
      },
    ]);
    assert.deepEqual(mapped.messages[0]!.content, [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: Buffer.from(png).toString('base64') } },
      { type: 'text', text: 'notes' },
    ]);
  });

  test('tools map with their schema; required mode forces the one tool, or any of several', () => {
    const read = { name: 'read', description: 'Reads a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } };
    const list = { name: 'list', description: 'Lists files' };
    assert.deepEqual(toAnthropicTools([read], LM_TOOL_MODE.auto), {
      tools: [{ name: 'read', description: 'Reads a file', input_schema: read.inputSchema }],
    });
    assert.deepEqual(toAnthropicTools([read], LM_TOOL_MODE.required).tool_choice, { type: 'tool', name: 'read' });
    const both = toAnthropicTools([read, list], LM_TOOL_MODE.required);
    assert.deepEqual(both.tool_choice, { type: 'any' });
    assert.deepEqual(both.tools![1]!.input_schema, { type: 'object', properties: {} });
    assert.deepEqual(toAnthropicTools([], LM_TOOL_MODE.required), {});
  });

  test('a message counts its text, its tool calls and its tool results', () => {
    const counted = messageText({
      role: LM_ROLE.assistant,
      content: [text('hi'), call('c', 'read', { path: 'a' }), result('c', [text('out')])],
    });
    assert.equal(counted, 'hi\nread {"path":"a"}\nout');
  });
});

describe('the provider pipeline against the fake API', () => {
  const KEY = 'sk-ant-lm-test';
  const WORKSPACE = { path: '/home/dev/lm', name: 'lm' };
  const table = bundledPriceTable();
  let fake: FakeAnthropic;
  let ledger: Ledger;
  let budget = { dailyUsd: null as number | null, monthlyUsd: null as number | null, warnAt: 0.8, confirmAboveUsd: null };
  let pipeline: LmPipeline;

  before(async () => {
    fake = await startFakeAnthropic({ apiKeys: [KEY] });
    ledger = openLedger(scratchDir('tally-lm-'), { priceTable: table });
    const client = createMessagesClient({ apiKey: KEY, baseUrl: fake.url, maxRetries: 0 });
    const guard = memoryBudgetGuard(ledger);
    const host: LmPipelineHost = {
      table: () => table,
      models: () => ({ ...DEFAULT_TIER_MODELS }),
      routerConfig: () => defaultRouterConfig,
      budget: () => budget,
      ledger: () => ledger,
      guard: () => guard,
      workspace: () => WORKSPACE,
      client: async () => client,
      clock: Date.now,
      onProblem: (message) => assert.fail(message),
    };
    pipeline = new LmPipeline(host);
  });
  after(() => fake.close());

  const long = 'Here is the module under discussion.\n' + 'export function parse(line: string) { return line.split(","); }\n'.repeat(120);

  test('Tally Auto: routed, cache breakpoints on the prefix, one ledger entry with source vscode-chat and the reason', async () => {
    const before = ledger.query({}).entries.length;
    const deltas: string[] = [];
    const sent = await pipeline.send({
      choice: 'auto',
      conversation: toAnthropicConversation([{ role: LM_ROLE.user, content: [text(`${long}\nRename the variable x to count`)] }]),
      onText: (delta) => deltas.push(delta),
    });
    assert.ok(sent.sent);
    assert.equal(sent.status, 'ok');
    assert.ok(deltas.join('').length > 0, 'streamed');
    const body = fake.requests.at(-1)!.body as { model: string; messages: Array<{ content: Array<{ cache_control?: unknown }> }> };
    assert.notEqual(body.model, 'tally-auto', 'the router chose a real model');
    assert.ok(JSON.stringify(body).includes('cache_control'), 'a breakpoint was placed');
    const entries = ledger.query({}).entries;
    assert.equal(entries.length, before + 1);
    const entry = entries.at(-1)!;
    assert.equal(entry.source, 'vscode-chat');
    assert.equal(entry.model, body.model);
    assert.ok(
      entry.routedReasons.some((reason) => reason.startsWith('tally-auto routed to')),
      entry.routedReasons.join('; '),
    );
    assert.ok(entry.usd > 0);
  });

  test('a fixed tier asks for that model; a tool call comes back and its result is answered', async () => {
    fake.scriptReply({ content: [{ type: 'tool_use', name: 'read', input: { path: 'a.ts' } }] });
    const tools = toAnthropicTools([{ name: 'read', description: 'Reads a file' }], LM_TOOL_MODE.auto);
    const calls: ToolUse[] = [];
    const history = [{ role: LM_ROLE.user, content: [text('What is in a.ts?')] }];
    const first = await pipeline.send({
      choice: 'haiku',
      conversation: toAnthropicConversation(history),
      ...tools,
      onToolUse: (c) => calls.push(c),
    });
    assert.ok(first.sent && first.status === 'ok');
    assert.equal(first.model, DEFAULT_TIER_MODELS.haiku);
    assert.equal(calls.length, 1);
    const second = await pipeline.send({
      choice: 'haiku',
      conversation: toAnthropicConversation([
        ...history,
        { role: LM_ROLE.assistant, content: [call(calls[0]!.id, calls[0]!.name, calls[0]!.input)] },
        { role: LM_ROLE.user, content: [result(calls[0]!.id, [text('export const a = 1;')])] },
      ]),
      ...tools,
    });
    assert.ok(second.sent);
    assert.equal(second.status, 'ok', second.sent ? (second.error ?? '') : '');
  });

  test('a hard budget that has no room refuses before anything is sent, and nothing is recorded', async () => {
    budget = { ...budget, dailyUsd: 0.000001 };
    const sends = () => fake.requests.filter((r) => r.url.split('?')[0] === '/v1/messages').length;
    const requests = sends();
    const entries = ledger.query({}).entries.length;
    const sent = await pipeline.send({
      choice: 'opus',
      conversation: toAnthropicConversation([{ role: LM_ROLE.user, content: [text(long)] }]),
    });
    budget = { ...budget, dailyUsd: null };
    assert.equal(sent.sent, false);
    assert.match(sent.sent ? '' : sent.message, /daily budget/);
    assert.equal(sends(), requests, 'nothing was sent (count_tokens, which is free, may have been asked)');
    assert.equal(ledger.query({}).entries.length, entries);
  });

  test('cancelled mid-stream: still exactly one entry, marked aborted', async () => {
    fake.injectFault({ type: 'slow', delayMs: 30 });
    const abort = new AbortController();
    const entries = ledger.query({}).entries.length;
    const sent = await pipeline.send({
      choice: 'sonnet',
      conversation: toAnthropicConversation([{ role: LM_ROLE.user, content: [text('write code [[tokens:300]]')] }]),
      signal: abort.signal,
      onText: () => abort.abort(),
    });
    assert.ok(sent.sent);
    assert.equal(sent.status, 'aborted');
    const all = ledger.query({}).entries;
    assert.equal(all.length, entries + 1);
    assert.equal(all.at(-1)!.status, 'aborted');
  });
});
