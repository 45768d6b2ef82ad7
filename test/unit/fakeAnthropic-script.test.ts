// Scripted replies (tool_use and text blocks) and tool_use/tool_result pairing in the simulated API:
// what a real agent client such as Claude Code needs to run a tool against the fake.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';

const KEY = 'sk-ant-fake-test-key';
const MODEL = 'claude-sonnet-5-5';
const READ_TOOL = {
  name: 'Read',
  description: 'Reads a file',
  input_schema: { type: 'object', properties: { file_path: { type: 'string' } } },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read ad hoc in assertions
type Json = Record<string, any>;

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

function sseEvents(text: string): Json[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => JSON.parse(/^data: (.*)$/m.exec(chunk)![1]!) as Json);
}

let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic({ apiKeys: [KEY] });
});
beforeEach(() => fetch(`${fake.url}/_fake/reset`, { method: 'POST' }));
after(() => fake.close());

test('a scripted tool_use streams as content blocks with input_json_delta and stops for tool use', async () => {
  fake.scriptReply({
    content: [
      { type: 'text', text: 'Reading it.' },
      { type: 'tool_use', name: 'Read', input: { file_path: '/tmp/notes.txt' } },
    ],
  });
  const response = await post('/v1/messages?beta=true', {
    model: MODEL,
    max_tokens: 1000,
    stream: true,
    tools: [READ_TOOL],
    messages: [{ role: 'user', content: 'what is in notes.txt?' }],
  });
  assert.equal(response.status, 200);
  const events = sseEvents(response.text);
  const starts = events.filter((event) => event['type'] === 'content_block_start');
  assert.deepEqual(
    starts.map((event) => event['content_block']['type']),
    ['text', 'tool_use'],
  );
  const toolStart = starts[1]!['content_block'];
  assert.match(toolStart['id'], /^toolu_/);
  assert.deepEqual(toolStart['input'], {});
  const json = events
    .filter((event) => event['type'] === 'content_block_delta' && event['index'] === 1)
    .map((event) => {
      assert.equal(event['delta']['type'], 'input_json_delta');
      return event['delta']['partial_json'] as string;
    })
    .join('');
  assert.deepEqual(JSON.parse(json), { file_path: '/tmp/notes.txt' });
  const delta = events.find((event) => event['type'] === 'message_delta')!;
  assert.equal(delta['delta']['stop_reason'], 'tool_use');
  assert.ok(delta['usage']['output_tokens'] > 0);
  const recorded = fake.requests.at(-1)!;
  assert.equal(recorded.url, '/v1/messages?beta=true');
  assert.match(recorded.messageId ?? '', /^msg_/);
});

test('the tool_result round trip: the client answers the call and the next reply is the fake’s own', async () => {
  fake.scriptReply({ content: [{ type: 'tool_use', name: 'Read', input: { file_path: 'a.txt' } }] });
  const first = JSON.parse(
    (await post('/v1/messages', { model: MODEL, max_tokens: 500, tools: [READ_TOOL], messages: [{ role: 'user', content: 'read a.txt' }] }))
      .text,
  ) as Json;
  assert.equal(first['stop_reason'], 'tool_use');
  const call = first['content'][0];
  assert.deepEqual(call['input'], { file_path: 'a.txt' });

  const messages = [
    { role: 'user', content: 'read a.txt' },
    { role: 'assistant', content: first['content'] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call['id'], content: 'hello' }] },
  ];
  const second = await post('/v1/messages', { model: MODEL, max_tokens: 500, tools: [READ_TOOL], messages });
  assert.equal(second.status, 200, second.text);
  const reply = JSON.parse(second.text) as Json;
  assert.equal(reply['stop_reason'], 'end_turn');
  assert.equal(reply['content'][0]['type'], 'text');
});

test('a tool_use without its tool_result, or a stray tool_result, is the real API’s 400', async () => {
  const call = { type: 'tool_use', id: 'toolu_1', name: 'Read', input: {} };
  const unanswered = await post('/v1/messages', {
    model: MODEL,
    max_tokens: 50,
    messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [call] },
      { role: 'user', content: 'and?' },
    ],
  });
  assert.equal(unanswered.status, 400);
  assert.match(unanswered.text, /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1/);

  const stray = await post('/v1/messages', {
    model: MODEL,
    max_tokens: 50,
    messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'x' }] }],
  });
  assert.equal(stray.status, 400);
  assert.match(stray.text, /unexpected `tool_use_id` found in `tool_result` blocks: toolu_9/);
});

test('a scripted tool call waits for a request that offers the tool; times repeats it; bad scripts are refused', async () => {
  const control = await fetch(`${fake.url}/_fake/reply`, {
    method: 'POST',
    body: JSON.stringify({ content: [{ type: 'tool_use', name: 'Read', input: { file_path: 'b' } }], times: 2 }),
  });
  assert.equal(control.status, 200);
  const withoutTools = JSON.parse(
    (await post('/v1/messages', { model: MODEL, max_tokens: 500, messages: [{ role: 'user', content: 'title this chat' }] })).text,
  ) as Json;
  assert.equal(withoutTools['content'][0]['type'], 'text', 'a side request without tools is not given the call');

  const ask = { model: MODEL, max_tokens: 500, tools: [READ_TOOL], messages: [{ role: 'user', content: 'read b' }] };
  for (let round = 0; round < 2; round++) {
    assert.equal((JSON.parse((await post('/v1/messages', ask)).text) as Json)['content'][0]['type'], 'tool_use');
  }
  assert.equal((JSON.parse((await post('/v1/messages', ask)).text) as Json)['content'][0]['type'], 'text', 'used up after times');

  const bad = await fetch(`${fake.url}/_fake/reply`, {
    method: 'POST',
    body: JSON.stringify({ content: [{ type: 'tool_use', name: 'X' }] }),
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /bad scripted reply at content\.0\.input/);
});
