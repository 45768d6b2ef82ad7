// Tool use through core's client, against the fake API: definitions go out, a tool_use comes back
// whole (its input streamed in pieces), and the tool_result turn is answered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createMessagesClient, type MessagesRequest, type ToolUse } from '../../src/core/anthropic/client.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';

const KEY = 'sk-ant-tools-test';
let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic({ apiKeys: [KEY] });
});
after(() => fake.close());

const client = () => createMessagesClient({ apiKey: KEY, baseUrl: fake.url, maxRetries: 0, timeoutMs: 5_000 });
const READ_TOOL = {
  name: 'read_file',
  description: 'Reads a file of the workspace',
  input_schema: { type: 'object' as const, properties: { path: { type: 'string' } }, required: ['path'] },
};

test('a tool call comes back with its whole input, once, and the tool result is answered', async () => {
  fake.scriptReply({
    content: [
      { type: 'text', text: 'Reading it.' },
      { type: 'tool_use', name: 'read_file', input: { path: 'src/a.ts', lines: [1, 20] } },
    ],
  });
  const request: MessagesRequest = {
    model: 'claude-haiku-5-5',
    max_tokens: 512,
    tools: [READ_TOOL],
    messages: [{ role: 'user', content: 'What does src/a.ts do?' }],
  };
  const calls: ToolUse[] = [];
  const texts: string[] = [];
  const first = await client().stream(request, { onText: (t) => texts.push(t), onToolUse: (call) => calls.push(call) });
  assert.equal(first.status, 'ok');
  assert.equal(first.stopReason, 'tool_use');
  assert.equal(texts.join(''), 'Reading it.');
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0]!.input, { path: 'src/a.ts', lines: [1, 20] });
  assert.equal(calls[0]!.name, 'read_file');
  assert.match(calls[0]!.id, /^toolu_/);
  assert.deepEqual(first.toolUses, calls);
  assert.ok((first.usage?.output_tokens ?? 0) > 0);
  assert.deepEqual(
    (fake.requests.at(-1)!.body as { tools: Array<{ name: string }> }).tools.map((t) => t.name),
    ['read_file'],
  );

  const second = await client().stream({
    ...request,
    messages: [
      ...request.messages,
      {
        role: 'assistant',
        content: [
          { type: 'text', text: first.text },
          { type: 'tool_use', id: calls[0]!.id, name: 'read_file', input: calls[0]!.input },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: calls[0]!.id, content: 'export const a = 1;' }] },
    ],
  });
  assert.equal(second.status, 'ok', second.error?.message);
  assert.equal(second.stopReason, 'end_turn');
  assert.deepEqual(second.toolUses, []);
  assert.ok(second.text.length > 0);
});

test('a tool result that answers no call is the API error it would be, not a silent success', async () => {
  const result = await client().stream({
    model: 'claude-haiku-5-5',
    max_tokens: 256,
    tools: [READ_TOOL],
    messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nowhere', content: 'x' }] }],
  });
  assert.equal(result.status, 'error');
  assert.match(result.error?.message ?? '', /tool_use_id/);
});
