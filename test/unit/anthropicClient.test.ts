import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import {
  createMessagesClient,
  type MessagesClientOptions,
  type MessagesRequest,
  type MessagesResult,
} from '../../src/core/anthropic/client.js';
import { ApiError, InputError } from '../../src/core/errors.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { countUserMessageTokens } from '../../src/core/tokens/estimator.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';

const KEY = 'sk-ant-api03-SECRET-test-key-do-not-show';
const HAIKU = resolveModel(bundledPriceTable(), 'claude-haiku-5-5');

let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic({ apiKeys: [KEY] });
});
after(() => fake.close());

function client(overrides: Partial<MessagesClientOptions> = {}) {
  return createMessagesClient({ apiKey: KEY, baseUrl: fake.url, maxRetries: 2, timeoutMs: 5_000, ...overrides });
}

function ask(text: string, model = HAIKU.id): MessagesRequest {
  return { model, max_tokens: 1024, messages: [{ role: 'user', content: text }] };
}

/** Nothing a user or the ledger can see carries the key. */
function assertNoKey(result: MessagesResult | unknown) {
  const seen = JSON.stringify(result, (_key, value: unknown) =>
    value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
  );
  assert.ok(!seen.includes(KEY), 'the API key must not appear');
  assert.ok(!seen.includes('SECRET'), 'no part of the API key may appear');
}

test('streams text in order as it arrives and returns usage, model, request id and stop reason', async () => {
  fake.injectFault({ type: 'slow', delayMs: 5 });
  const deltas: string[] = [];
  const result = await client().stream(ask('write code [[tokens:150]]'), { onText: (delta) => deltas.push(delta) });
  assert.equal(result.status, 'ok');
  assert.equal(result.error, null);
  assert.ok(deltas.length > 3, 'text arrived in several deltas');
  assert.equal(deltas.join(''), result.text);
  assert.match(result.text, /```ts\n[\s\S]+```/);
  assert.equal(result.usage?.output_tokens, 150);
  assert.equal(result.usage?.input_tokens, countUserMessageTokens('write code [[tokens:150]]', HAIKU.family));
  assert.equal(result.usage?.cache_read_input_tokens, 0);
  assert.equal(result.model, HAIKU.id);
  assert.equal(result.stopReason, 'end_turn');
  const last = fake.requests.at(-1)!;
  assert.equal(result.requestId, last.requestId);
  assert.equal(last.auth, 'bearer', 'the SDK 1.x authenticates with a Bearer token');
  assert.equal(last.headers['anthropic-version'], '2026-10-21');
  assertNoKey(result);
});

test('usage reports cache writes split by TTL and reads on the next turn', async () => {
  fake.clearCache();
  const system = [
    { type: 'text' as const, text: 'You are terse. '.repeat(400), cache_control: { type: 'ephemeral' as const, ttl: '1h' as const } },
  ];
  const first = await client().stream({ ...ask('one [[tokens:5]]'), system });
  assert.ok((first.usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0) > 1000);
  assert.equal(first.usage?.cache_creation?.ephemeral_5m_input_tokens, 0);
  const second = await client().stream({ ...ask('two [[tokens:5]]'), system });
  assert.equal(second.usage?.cache_read_input_tokens, first.usage?.cache_creation_input_tokens);
});

test('the duration comes from the injected clock', async () => {
  const times = [1_000, 1_750];
  const result = await client({ clock: () => times.shift() ?? 1_750 }).stream(ask('hi [[tokens:5]]'));
  assert.equal(result.durationMs, 750);
});

test('a 429 is retried, honouring retry-after, and yields one result', async () => {
  const before = fake.requests.length;
  fake.injectFault({ type: 'rate_limit', retryAfterSeconds: 0.6 });
  const result = await client().stream(ask('retry me [[tokens:20]]'));
  assert.equal(result.status, 'ok');
  assert.equal(result.usage?.output_tokens, 20);
  const attempts = fake.requests.slice(before);
  assert.deepEqual(
    attempts.map((r) => r.status),
    [429, 200],
  );
  // The SDK's own first back-off is at most 0.5 s; a longer wait means retry-after was obeyed.
  assert.ok(attempts[1]!.at - attempts[0]!.at >= 590, `waited ${attempts[1]!.at - attempts[0]!.at} ms`);
  assert.equal(result.requestId, attempts[1]!.requestId, 'the result names the request that succeeded');
});

test('529 and 500 are retried with back-off and then succeed', async () => {
  const before = fake.requests.length;
  fake.injectFault({ type: 'overloaded' });
  fake.injectFault({ type: 'server_error' });
  const result = await client().stream(ask('again [[tokens:10]]'));
  assert.equal(result.status, 'ok');
  assert.deepEqual(
    fake.requests.slice(before).map((r) => r.status),
    [529, 500, 200],
  );
});

test('rate limited after every retry: a clear error naming the retries, and zero billed tokens to record', async () => {
  fake.injectFault({ type: 'rate_limit', retryAfterSeconds: 0.05, times: 2 });
  const result = await client({ maxRetries: 1 }).stream(ask('limited'));
  assert.equal(result.status, 'error');
  assert.ok(result.error instanceof ApiError);
  assert.equal(result.error.status, 429);
  assert.equal(result.error.exitCode, 4);
  assert.match(result.error.message, /rate limited.*429.*after 1 retry/);
  assert.deepEqual(result.usage, { input_tokens: 0, output_tokens: 0 }, 'the server answered (not billed): one entry at $0');
  assert.equal(result.usageEstimated, false);
  assert.match(result.requestId ?? '', /^req_/);
  assertNoKey(result);
});

test('overloaded after every retry: says so and suggests waiting or another model', async () => {
  fake.injectFault({ type: 'overloaded', times: 2 });
  const result = await client({ maxRetries: 1 }).stream(ask('busy'));
  assert.equal(result.status, 'error');
  assert.equal(result.error?.status, 529);
  assert.match(result.error?.message ?? '', /overloaded \(529.*after 1 retry.*another model/);
});

test('500 after every retry names the status and the server message', async () => {
  fake.injectFault({ type: 'server_error', times: 1 });
  const result = await client({ maxRetries: 0 }).stream(ask('broken'));
  assert.equal(result.status, 'error');
  assert.match(result.error?.message ?? '', /500 api_error.*after 0 retries.*Internal server error/);
});

test('a stream dropped mid-way is an error with the usage reported so far and the partial text', async () => {
  fake.injectFault({ type: 'drop', afterDeltas: 3 });
  const deltas: string[] = [];
  const result = await client().stream(ask('long answer [[tokens:300]]'), { onText: (d) => deltas.push(d) });
  assert.equal(result.status, 'error');
  assert.equal(deltas.length, 3);
  assert.equal(result.text, deltas.join(''));
  assert.equal(result.usage?.input_tokens, countUserMessageTokens('long answer [[tokens:300]]', HAIKU.family));
  const output = result.usage?.output_tokens ?? 0;
  assert.ok(output >= 1 && output < 300, `output so far (${output}), not the full reply`);
  assert.match(result.error?.message ?? '', new RegExp(`connection dropped after ${output} output tokens`));
  assert.equal(result.stopReason, null);
  assert.equal(fake.requests.at(-1)!.status, 200, 'a stream that started is not retried');
});

test('cancelling mid-stream returns aborted with the usage so far', async () => {
  fake.injectFault({ type: 'slow', delayMs: 30 });
  const controller = new AbortController();
  const deltas: string[] = [];
  const result = await client().stream(ask('cancel me [[tokens:400]]'), {
    signal: controller.signal,
    onText: (delta) => {
      deltas.push(delta);
      if (deltas.length === 2) controller.abort();
    },
  });
  assert.equal(result.status, 'aborted');
  assert.equal(result.error, null);
  assert.equal(result.text, deltas.join(''));
  assert.ok(deltas.length >= 2 && deltas.length < 10);
  assert.equal(result.usage?.input_tokens, countUserMessageTokens('cancel me [[tokens:400]]', HAIKU.family));
  assert.ok((result.usage?.output_tokens ?? 0) < 400);
});

test('cancelling before or while waiting for a retry sends nothing more', async () => {
  const already = new AbortController();
  already.abort();
  const before = fake.requests.length;
  const early = await client().stream(ask('never'), { signal: already.signal });
  assert.equal(early.status, 'aborted');
  assert.equal(early.usage, null);
  assert.equal(fake.requests.length, before);

  fake.injectFault({ type: 'rate_limit', retryAfterSeconds: 30 });
  const controller = new AbortController();
  const pending = client().stream(ask('waiting'), { signal: controller.signal });
  while (fake.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
  controller.abort();
  const result = await pending;
  assert.equal(result.status, 'aborted');
  assert.equal(fake.requests.length, before + 1, 'the retry was not sent');
});

test('a stream that goes silent times out with the output so far', async () => {
  fake.injectFault({ type: 'slow', delayMs: 2_000 });
  const result = await client({ timeoutMs: 200 }).stream(ask('slow [[tokens:50]]'));
  assert.equal(result.status, 'error');
  assert.match(result.error?.message ?? '', /timed out/);
  assert.ok(result.usage, 'usage from message_start is kept');
});

test('no response headers within the timeout: a timeout error naming the base URL', async () => {
  fake.injectFault({ type: 'stall', delayMs: 2_000 });
  const result = await client({ timeoutMs: 200, maxRetries: 0 }).stream(ask('stalled'));
  assert.equal(result.status, 'error');
  assert.ok(result.error?.message.includes(`no response from ${fake.url} within 0.2s`), result.error?.message);
});

test('a rejected key says so and how to set one, without echoing the key', async () => {
  const wrongKey = 'sk-ant-api03-WRONG-key-value';
  const result = await createMessagesClient({ apiKey: wrongKey, baseUrl: fake.url }).stream(ask('hi'));
  assert.equal(result.status, 'error');
  assert.equal(result.error?.status, 401);
  assert.match(result.error?.message ?? '', /rejected the API key.*ANTHROPIC_API_KEY/);
  assert.ok(!JSON.stringify({ ...result, message: result.error?.message, stack: result.error?.stack }).includes('WRONG'));
  await assert.rejects(createMessagesClient({ apiKey: wrongKey, baseUrl: fake.url }).countTokens(ask('hi')), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.match(error.message, /rejected the API key/);
    assert.ok(!error.message.includes('WRONG') && !String(error.stack).includes('WRONG'));
    return true;
  });
});

test('the key is redacted even from an error body that echoes request headers', async () => {
  const echoingGateway: typeof fetch = async (_url, init) => {
    const headers = new Headers(init?.headers);
    const body = {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: `bad request; you sent authorization: ${headers.get('authorization')} and "x-api-key":"${KEY}"`,
      },
    };
    return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/json', 'request-id': 'req_echo' } });
  };
  const echoing = createMessagesClient({ apiKey: KEY, baseUrl: 'https://gateway.example', fetch: echoingGateway, maxRetries: 0 });
  const result = await echoing.stream(ask('hi'));
  assert.equal(result.status, 'error');
  assert.match(result.error?.message ?? '', /400 invalid_request_error.*\[redacted\]/);
  assertNoKey(result);
  assertNoKey({ message: result.error?.message, stack: result.error?.stack });
  await assert.rejects(echoing.countTokens(ask('hi')), (error: unknown) => {
    assertNoKey({ message: (error as Error).message, stack: (error as Error).stack });
    return true;
  });
});

test('an unknown model names the model and where to find valid ids', async () => {
  const result = await client().stream(ask('hi', 'claude-imaginary-9'));
  assert.equal(result.status, 'error');
  assert.equal(result.error?.status, 404);
  assert.match(result.error?.message ?? '', /model "claude-imaginary-9" was not found/);
});

test('connection refused and unknown hosts name the base URL', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await createMessagesClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 }).stream(ask('hi'));
  assert.equal(refused.status, 'error');
  assert.match(refused.error?.message ?? '', new RegExp(`cannot connect to http://127\\.0\\.0\\.1:${port}: connection refused`));

  const unknownHost = await createMessagesClient({ apiKey: KEY, baseUrl: 'http://no-such-host.invalid', maxRetries: 0 }).stream(ask('hi'));
  assert.equal(unknownHost.status, 'error');
  assert.match(unknownHost.error?.message ?? '', /cannot connect to http:\/\/no-such-host\.invalid: host not found/);
});

test('a missing key or a malformed base URL is an InputError before anything is sent', () => {
  assert.throws(
    () => createMessagesClient({ apiKey: '' }),
    (error: unknown) => error instanceof InputError && /ANTHROPIC_API_KEY/.test(error.message),
  );
  assert.throws(() => createMessagesClient({ apiKey: '   ' }), InputError);
  assert.throws(() => createMessagesClient({ apiKey: KEY, baseUrl: 'localhost:8080' }), /base URL .* http:\/\/ or https:\/\//);
  assert.throws(() => createMessagesClient({ apiKey: KEY, baseUrl: 'not a url' }), InputError);
});

test('countTokens returns what count_tokens reports', async () => {
  const text = 'Count these tokens, please.';
  assert.equal(
    await client().countTokens({ model: HAIKU.id, messages: [{ role: 'user', content: text }] }),
    countUserMessageTokens(text, HAIKU.family),
  );
  await assert.rejects(client().countTokens({ model: 'claude-imaginary-9', messages: [{ role: 'user', content: text }] }), /not found/);
});

test('a text handler that throws stops the request and still returns the usage', async () => {
  fake.injectFault({ type: 'slow', delayMs: 10 });
  const result = await client().stream(ask('handler [[tokens:200]]'), {
    onText: () => {
      throw new Error('panel was closed');
    },
  });
  assert.equal(result.status, 'error');
  assert.match(result.error?.message ?? '', /text handler failed: panel was closed/);
  assert.ok(result.usage && result.usage.input_tokens > 0);
});

test('an error event inside a started stream is an error naming its type, with the usage so far', async () => {
  fake.injectFault({ type: 'stream_error', afterDeltas: 2 });
  const result = await client().stream(ask('mid-stream [[tokens:200]]'));
  assert.equal(result.status, 'error');
  assert.match(result.error?.message ?? '', /ended the stream with overloaded_error after \d+ output tokens: Overloaded/);
  assert.equal(result.usage?.input_tokens, countUserMessageTokens('mid-stream [[tokens:200]]', HAIKU.family));
  assert.ok(result.text.length > 0);
});

test('a gateway error page is cut to a readable line', async () => {
  const page = `<html><body>${'Bad gateway. '.repeat(200)}</body></html>`;
  const gateway: typeof fetch = async () => new Response(page, { status: 502, headers: { 'content-type': 'text/html' } });
  const result = await createMessagesClient({ apiKey: KEY, baseUrl: 'https://gateway.example', fetch: gateway, maxRetries: 0 }).stream(
    ask('hi'),
  );
  assert.equal(result.error?.status, 502);
  assert.match(result.error?.message ?? '', /^Anthropic API error \(502/);
  assert.ok((result.error?.message.length ?? 0) < 450, `one readable line (${result.error?.message.length} chars)`);
  assert.doesNotMatch(result.error?.message ?? '', /\n/);
});
