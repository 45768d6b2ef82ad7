import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { estimateTextTokens, messageFrameTokens } from '../../src/core/tokens/estimator.js';
import { simulatedTokenCount } from '../../src/simulator/prompt.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';

const KEY = 'sk-ant-fake-test-key';
const SONNET = resolveModel(bundledPriceTable(), 'claude-sonnet-5-5');
const HAIKU = resolveModel(bundledPriceTable(), 'claude-haiku-5-5');

/** Text of roughly `tokens` tokens for `family`, each call distinct through `seed`. */
function textOfTokens(tokens: number, seed: string): string {
  let text = `${seed}:`;
  let line = 0;
  while (estimateTextTokens(text, SONNET.family) < tokens) text += ` line ${seed}-${line++} of attached context,`;
  return text;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read ad hoc in assertions
type Json = Record<string, any>;

async function post(fake: FakeAnthropic, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'anthropic-version': '2026-10-21', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function message(fake: FakeAnthropic, body: Json): Promise<Json> {
  const response = await post(fake, '/v1/messages', { max_tokens: 1024, ...body });
  assert.equal(response.status, 200, response.text);
  return JSON.parse(response.text) as Json;
}

function sseEvents(text: string): { event: string; data: Json }[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)![1]!;
      const data = JSON.parse(/^data: (.*)$/m.exec(chunk)![1]!) as Json;
      return { event, data };
    });
}

/** A prompt with a system block and `turns` user/assistant turns; `breakpoints` maps block index to ttl. */
function conversation(system: string, turns: string[], breakpoints: Record<number, '5m' | '1h'>): Json {
  const block = (index: number, text: string) => ({
    type: 'text',
    text,
    ...(breakpoints[index] ? { cache_control: { type: 'ephemeral', ttl: breakpoints[index] } } : {}),
  });
  return {
    model: SONNET.id,
    system: [block(0, system)],
    messages: turns.map((text, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: [block(index + 1, text)] })),
  };
}

let fake: FakeAnthropic;
let clockMs = 1_000_000;
before(async () => {
  fake = await startFakeAnthropic({ apiKeys: [KEY], clock: () => clockMs });
});
after(() => fake.close());

test('streams the real event sequence with usage in message_start and cumulative output in message_delta', async () => {
  const response = await post(fake, '/v1/messages', {
    model: HAIKU.id,
    max_tokens: 500,
    stream: true,
    messages: [{ role: 'user', content: 'explain this [[tokens:120]]' }],
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  assert.match(response.headers.get('request-id') ?? '', /^req_/);
  const events = sseEvents(response.text);
  const names = events.map((e) => e.event);
  const deltas = names.filter((name) => name === 'content_block_delta').length;
  assert.ok(deltas > 1, 'the reply arrives in several deltas');
  assert.deepEqual(names, [
    'message_start',
    'content_block_start',
    'ping',
    ...Array<string>(deltas).fill('content_block_delta'),
    'content_block_stop',
    'message_delta',
    'message_stop',
  ]);
  for (const { event, data } of events) assert.equal(data['type'], event);
  const usage = events[0]!.data['message']['usage'] as Json;
  assert.deepEqual(Object.keys(usage).sort(), [
    'cache_creation',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
    'input_tokens',
    'output_tokens',
  ]);
  assert.deepEqual(Object.keys(usage['cache_creation']).sort(), ['ephemeral_1h_input_tokens', 'ephemeral_5m_input_tokens']);
  const messageDelta = events.find((e) => e.event === 'message_delta')!.data;
  assert.equal(messageDelta['usage']['output_tokens'], 120);
  assert.equal(messageDelta['delta']['stop_reason'], 'end_turn');
  const text = events
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => e.data['delta']['text'] as string)
    .join('');
  assert.match(text, /```ts\n[\s\S]+```/, 'a sentence plus a fenced code block');
});

test('non-streaming replies carry the same text and usage shape', async () => {
  const body = { model: HAIKU.id, messages: [{ role: 'user', content: 'same question [[tokens:60]]' }] };
  const plain = await message(fake, body);
  const streamed = sseEvents((await post(fake, '/v1/messages', { ...body, max_tokens: 1024, stream: true })).text);
  const streamedText = streamed
    .filter((e) => e.event === 'content_block_delta')
    .map((e) => e.data['delta']['text'] as string)
    .join('');
  assert.equal(plain['type'], 'message');
  assert.equal(plain['content'][0]['text'], streamedText);
  assert.equal(plain['usage']['output_tokens'], 60);
  assert.equal(plain['usage']['input_tokens'], streamed[0]!.data['message']['usage']['input_tokens']);
});

test('[[reply:...]] replies exactly that text; max_tokens cuts the reply short', async () => {
  const hostile = '<img src=x onerror=alert(1)> and **bold**';
  const exact = await message(fake, { model: HAIKU.id, messages: [{ role: 'user', content: `say [[reply:${hostile}]]` }] });
  assert.equal(exact['content'][0]['text'], hostile);

  const capped = await message(fake, { model: HAIKU.id, max_tokens: 10, messages: [{ role: 'user', content: '[[tokens:300]]' }] });
  assert.equal(capped['stop_reason'], 'max_tokens');
  assert.equal(capped['usage']['output_tokens'], 10);
});

test('authenticates Bearer or x-api-key against the configured keys, with the real error shape', async () => {
  const body = { model: HAIKU.id, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
  assert.equal((await post(fake, '/v1/messages', body, { authorization: '', 'x-api-key': KEY })).status, 200);
  const wrong = await post(fake, '/v1/messages', body, { authorization: 'Bearer sk-ant-wrong' });
  assert.equal(wrong.status, 401);
  const error = JSON.parse(wrong.text) as Json;
  assert.equal(error['type'], 'error');
  assert.equal(error['error']['type'], 'authentication_error');
  assert.equal(typeof error['error']['message'], 'string');
  assert.equal((await post(fake, '/v1/messages', body, { authorization: '' })).status, 401);
  const noVersion = await post(fake, '/v1/messages', body, { 'anthropic-version': '' });
  assert.equal(noVersion.status, 400);
  assert.match(noVersion.text, /anthropic-version/);
});

test('unknown models are 404 not_found_error; malformed bodies are 400 invalid_request_error', async () => {
  const unknown = await post(fake, '/v1/messages', { model: 'claude-nope-9', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(unknown.status, 404);
  assert.equal((JSON.parse(unknown.text) as Json)['error']['type'], 'not_found_error');
  const noMaxTokens = await post(fake, '/v1/messages', { model: HAIKU.id, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(noMaxTokens.status, 400);
  assert.match(noMaxTokens.text, /max_tokens/);
  const emptyBlock = await post(fake, '/v1/messages', {
    model: HAIKU.id,
    max_tokens: 5,
    messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }],
  });
  assert.equal(emptyBlock.status, 400);
});

test('cache_control is validated like the real API: at most 4 breakpoints, ttl 5m|1h, 1h before 5m', async () => {
  const turns = ['a', 'b', 'c', 'd', 'e'];
  const five = await post(fake, '/v1/messages', {
    max_tokens: 5,
    ...conversation('sys', turns, { 0: '5m', 1: '5m', 2: '5m', 3: '5m', 4: '5m' }),
  });
  assert.equal(five.status, 400);
  assert.match(five.text, /maximum of 4 blocks with cache_control/);
  const badTtl = await post(fake, '/v1/messages', {
    model: HAIKU.id,
    max_tokens: 5,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ttl: '2h' } }] }],
  });
  assert.equal(badTtl.status, 400);
  const wrongOrder = await post(fake, '/v1/messages', { max_tokens: 5, ...conversation('sys', ['a'], { 0: '5m', 1: '1h' }) });
  assert.equal(wrongOrder.status, 400);
  assert.match(wrongOrder.text, /ttl='1h'.*must not come after.*ttl='5m'/);
  const rightOrder = await post(fake, '/v1/messages', { max_tokens: 5, ...conversation('sys', ['a'], { 0: '1h', 1: '5m' }) });
  assert.equal(rightOrder.status, 200);
});

test('a breakpoint writes its prefix once, later requests read it, per model and exact prefix', async () => {
  fake.clearCache();
  const system = textOfTokens(3000, 'prefix');
  const first = await message(fake, conversation(system, ['question one [[tokens:5]]'], { 0: '5m' }));
  const written = first['usage']['cache_creation_input_tokens'] as number;
  assert.ok(written >= 3000, `the system prompt was written (${written})`);
  assert.equal(first['usage']['cache_read_input_tokens'], 0);
  assert.equal(first['usage']['cache_creation']['ephemeral_5m_input_tokens'], written);

  const second = await message(fake, conversation(system, ['question two [[tokens:5]]'], { 0: '5m' }));
  assert.equal(second['usage']['cache_read_input_tokens'], written);
  assert.equal(second['usage']['cache_creation_input_tokens'], 0);
  const total = (usage: Json) => usage['input_tokens'] + usage['cache_read_input_tokens'] + usage['cache_creation_input_tokens'];
  assert.ok(second['usage']['input_tokens'] < total(second['usage']) / 10, 'only the new question is uncached');

  const otherModel = await message(fake, { ...conversation(system, ['q [[tokens:5]]'], { 0: '5m' }), model: 'claude-opus-5-5' });
  assert.equal(otherModel['usage']['cache_read_input_tokens'], 0, 'caches are per model');
  const edited = await message(fake, conversation(`${system} (edited)`, ['q [[tokens:5]]'], { 0: '5m' }));
  assert.equal(edited['usage']['cache_read_input_tokens'], 0, 'a changed prefix misses');
});

test('a prefix below the model minimum caches nothing', async () => {
  fake.clearCache();
  const short = textOfTokens(SONNET.minCacheableTokens - 200, 'short');
  for (let i = 0; i < 2; i++) {
    const reply = await message(fake, conversation(short, ['q [[tokens:5]]'], { 0: '5m' }));
    assert.equal(reply['usage']['cache_creation_input_tokens'], 0);
    assert.equal(reply['usage']['cache_read_input_tokens'], 0);
  }
  // The same short system plus a long turn does reach the minimum at the turn's breakpoint.
  const long = await message(fake, conversation(short, [textOfTokens(1500, 'turn')], { 0: '5m', 1: '5m' }));
  assert.equal(long['usage']['input_tokens'] + long['usage']['cache_creation_input_tokens'] > 1500, true);
  assert.ok(long['usage']['cache_creation_input_tokens'] > SONNET.minCacheableTokens, 'the whole prefix up to the turn is written');
});

test('writes split by TTL: 1h up to the 1h breakpoint, 5m for the part after it', async () => {
  fake.clearCache();
  const system = textOfTokens(2000, 'ttl-system');
  const turn = textOfTokens(1200, 'ttl-turn');
  const reply = await message(fake, conversation(system, [turn], { 0: '1h', 1: '5m' }));
  const split = reply['usage']['cache_creation'] as Json;
  const systemOnly = await post(fake, '/v1/messages/count_tokens', {
    model: SONNET.id,
    system,
    messages: [{ role: 'user', content: 'x' }],
  });
  const systemPrefix = (JSON.parse(systemOnly.text) as Json)['input_tokens'] - simulatedTokenCount('x', SONNET.family);
  assert.equal(split['ephemeral_1h_input_tokens'], systemPrefix);
  assert.equal(split['ephemeral_5m_input_tokens'], simulatedTokenCount(turn, SONNET.family));
  assert.equal(reply['usage']['cache_creation_input_tokens'], split['ephemeral_1h_input_tokens'] + split['ephemeral_5m_input_tokens']);
});

test('entries expire after their TTL, a hit refreshes them, and 1h entries outlive 5m ones', async () => {
  fake.clearCache();
  const system = textOfTokens(2500, 'expiry');
  const ask = async (ttl: '5m' | '1h') => (await message(fake, conversation(system, ['q [[tokens:5]]'], { 0: ttl })))['usage'] as Json;
  const minutes = (n: number) => (clockMs += n * 60_000);

  assert.equal((await ask('5m'))['cache_read_input_tokens'], 0);
  minutes(4);
  assert.ok((await ask('5m'))['cache_read_input_tokens'] > 0, 'read within 5 minutes');
  minutes(4);
  assert.ok((await ask('5m'))['cache_read_input_tokens'] > 0, 'the hit at minute 4 refreshed the entry');
  minutes(5.1);
  const expired = await ask('5m');
  assert.equal(expired['cache_read_input_tokens'], 0, 'expired after 5 idle minutes');
  assert.ok(expired['cache_creation_input_tokens'] > 0, 'and written again');

  fake.clearCache();
  await ask('1h');
  minutes(30);
  assert.ok((await ask('1h'))['cache_read_input_tokens'] > 0, 'a 1h entry survives 30 minutes');
  minutes(61);
  assert.equal((await ask('1h'))['cache_read_input_tokens'], 0, 'and expires after an idle hour');
});

test('reading a longer prefix keeps the shorter cached prefixes inside it alive', async () => {
  fake.clearCache();
  const system = textOfTokens(2000, 'nested-system');
  const turn = textOfTokens(1200, 'nested-turn');
  const first = await message(fake, conversation(system, [turn], { 0: '1h', 1: '5m' }));
  const systemPrefix = first['usage']['cache_creation']['ephemeral_1h_input_tokens'] as number;
  // Every 4 minutes for 68 minutes the same prompt reads the whole prefix (the turn's 5m entry).
  for (let minute = 4; minute <= 68; minute += 4) {
    clockMs += 4 * 60_000;
    const again = await message(fake, conversation(system, [turn], { 0: '1h', 1: '5m' }));
    assert.equal(again['usage']['cache_creation_input_tokens'], 0, `minute ${minute}: all read`);
  }
  clockMs += 6 * 60_000; // the turn's 5m entry expires; the system's 1h entry was last refreshed 6 minutes ago
  const newTurn = await message(fake, conversation(system, ['a new question [[tokens:5]]'], { 0: '1h', 1: '5m' }));
  assert.equal(newTurn['usage']['cache_read_input_tokens'], systemPrefix, 'the 1h system entry, 74 minutes old, is still live');
});

test('timeScale runs the cache clock faster', async () => {
  let realMs = 0;
  const scaled = await startFakeAnthropic({ apiKeys: [KEY], timeScale: 60, clock: () => realMs });
  try {
    const system = textOfTokens(2500, 'scaled');
    const ask = async () => (await message(scaled, conversation(system, ['q [[tokens:5]]'], { 0: '5m' })))['usage'] as Json;
    await ask();
    realMs += 4_000; // 4 minutes on a 60x clock
    assert.ok((await ask())['cache_read_input_tokens'] > 0);
    realMs += 5_100; // 5.1 minutes
    assert.equal((await ask())['cache_read_input_tokens'], 0);
  } finally {
    await scaled.close();
  }
});

test('a hit is found up to 20 blocks before a breakpoint, not further', async () => {
  fake.clearCache();
  const system = textOfTokens(2000, 'lookback');
  const turns = (count: number) => Array.from({ length: count }, (_, i) => `turn ${i} [[tokens:5]]`);
  // Turn 1 caches system + 1 message (breakpoint at block 1).
  const first = await message(fake, conversation(system, turns(1), { 1: '5m' }));
  const cachedPrefix = first['usage']['cache_creation_input_tokens'] as number;
  // A breakpoint 20 blocks further on still finds it (block 21 looks back to block 1).
  const near = await message(fake, conversation(system, turns(21), { 21: '5m' }));
  assert.equal(near['usage']['cache_read_input_tokens'], cachedPrefix);
  fake.clearCache();
  await message(fake, conversation(system, turns(1), { 1: '5m' }));
  const far = await message(fake, conversation(system, turns(23), { 23: '5m' }));
  assert.equal(far['usage']['cache_read_input_tokens'], 0, '22 blocks back is beyond the lookback');
});

test('count_tokens matches the estimator for a single user message and the messages endpoint totals', async () => {
  const text = 'How many tokens is this sentence, exactly?';
  const counted = await post(fake, '/v1/messages/count_tokens', { model: SONNET.id, messages: [{ role: 'user', content: text }] });
  assert.equal(counted.status, 200);
  assert.deepEqual(JSON.parse(counted.text), {
    input_tokens: messageFrameTokens(SONNET.family) + simulatedTokenCount(text, SONNET.family),
  });
  const sent = await message(fake, { model: SONNET.id, messages: [{ role: 'user', content: text }] });
  assert.equal(sent['usage']['input_tokens'], messageFrameTokens(SONNET.family) + simulatedTokenCount(text, SONNET.family));
});

test('faults injected over HTTP apply to the next N requests, in order', async () => {
  const body = { model: HAIKU.id, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
  const control = (fault: unknown) => fetch(`${fake.url}/_fake/fault`, { method: 'POST', body: JSON.stringify(fault) });
  assert.equal((await control({ type: 'rate_limit', retryAfterSeconds: 7, times: 2 })).status, 200);
  assert.equal((await control({ type: 'overloaded' })).status, 200);
  assert.equal((await control({ type: 'explode' })).status, 400, 'unknown faults are refused');

  const first = await post(fake, '/v1/messages', body);
  assert.equal(first.status, 429);
  assert.equal(first.headers.get('retry-after'), '7');
  assert.equal((JSON.parse(first.text) as Json)['error']['type'], 'rate_limit_error');
  assert.equal((await post(fake, '/v1/messages', body)).status, 429);
  const overloaded = await post(fake, '/v1/messages', body);
  assert.equal(overloaded.status, 529);
  assert.equal((JSON.parse(overloaded.text) as Json)['error']['type'], 'overloaded_error');
  assert.equal((await post(fake, '/v1/messages', body)).status, 200);

  fake.injectFault({ type: 'server_error' });
  const failed = await post(fake, '/v1/messages', body);
  assert.equal(failed.status, 500);
  assert.equal((JSON.parse(failed.text) as Json)['error']['type'], 'api_error');
});

test('a dropped stream ends after K deltas without message_stop', async () => {
  fake.injectFault({ type: 'drop', afterDeltas: 2 });
  const response = await fetch(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'anthropic-version': '2026-10-21' },
    body: JSON.stringify({ model: HAIKU.id, max_tokens: 500, stream: true, messages: [{ role: 'user', content: '[[tokens:200]]' }] }),
  });
  let received = '';
  const decoder = new TextDecoder();
  const reader = response.body!.getReader();
  await assert.rejects(async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      received += decoder.decode(chunk.value, { stream: true });
  });
  assert.equal(received.match(/event: content_block_delta/g)?.length, 2);
  assert.doesNotMatch(received, /message_stop/);

  fake.injectFault({ type: 'drop', afterDeltas: 0 });
  await assert.rejects(
    post(fake, '/v1/messages', { model: HAIKU.id, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    'a non-streaming request gets no reply',
  );
});

test('main.ts runs the fake as a process and prints its URL', async (t) => {
  const root = resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts', '--port', '0', '--api-key', KEY], { cwd: root });
  t.after(() => child.kill());
  let output = '';
  child.stdout.setEncoding('utf8');
  while (!output.includes('\n')) {
    const [chunk] = (await once(child.stdout, 'data')) as [string];
    output += chunk;
  }
  const url = output.trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const counted = await fetch(`${url}/v1/messages/count_tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'anthropic-version': '2026-10-21' },
    body: JSON.stringify({ model: HAIKU.id, messages: [{ role: 'user', content: 'hello' }] }),
  });
  assert.equal(counted.status, 200);
});
