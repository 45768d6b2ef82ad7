// What the client receives through the gateway is what the upstream sent, and the ledger is what the upstream billed.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeAnthropic } from '../../src/simulator/server.js';
import { apiHeaders, billedUsd, KEY, ledgerUsd, messagesBody, rawRequest, startRig } from './gatewayHarness.js';

test('answers arrive byte for byte, streamed and not, as a direct call gets them', async () => {
  // Two identical fresh simulators give identical answers (same ids, same cache state): one direct, one behind the gateway.
  const direct = await startFakeAnthropic({ apiKeys: [KEY] });
  const rig = await startRig();
  try {
    const bodies = [
      messagesBody('Explain closures in one paragraph, with ünïcödé ✓ and emoji 🚀 [[tokens:120]]', { stream: true }),
      messagesBody('the same, not streamed [[tokens:60]]'),
      messagesBody('[[reply:line one\r\nline two\n\ndata: not an event]]', { stream: true }),
    ];
    for (const body of bodies) {
      const viaDirect = await rawRequest(`${direct.url}/v1/messages?beta=true`, { headers: apiHeaders, body });
      const viaGateway = await rawRequest(`${rig.gateway.baseUrl}/v1/messages?beta=true`, { headers: apiHeaders, body });
      assert.equal(viaGateway.status, viaDirect.status);
      assert.equal(viaGateway.body.length, viaDirect.body.length);
      assert.ok(viaGateway.body.equals(viaDirect.body), 'identical bytes');
      assert.equal(viaGateway.headers['content-type'], viaDirect.headers['content-type']);
      assert.equal(viaGateway.headers['request-id'], viaDirect.headers['request-id']);
    }
    assert.equal(rig.entries().length, 3);
    assert.equal(ledgerUsd(rig.entries()), billedUsd(rig.fake));
  } finally {
    await direct.close();
  }
});

test('50 concurrent SDK streams each get their own answer; one entry per request, and the ledger total is what was billed', async () => {
  const rig = await startRig({ gateway: { apiKey: () => KEY } });
  const client = rig.client();
  const results = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const stream = client.messages.stream({
        model: i % 3 === 0 ? 'claude-sonnet-5-5' : 'claude-haiku-5-5',
        max_tokens: 500,
        messages: [{ role: 'user', content: `request ${i}: [[reply:answer number ${i}]]` }],
      });
      const message = await stream.finalMessage();
      return { i, text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''), id: message.id };
    }),
  );
  for (const { i, text } of results) assert.equal(text, `answer number ${i}`);
  const entries = rig.entries();
  assert.equal(entries.length, 50);
  assert.deepEqual(new Set(entries.map((entry) => entry.messageId)), new Set(results.map((result) => result.id)));
  assert.deepEqual(new Set(entries.map((entry) => entry.requestId)), new Set(rig.fake.requests.map((request) => request.requestId)));
  assert.ok(entries.every((entry) => entry.status === 'ok' && !entry.usageEstimated && entry.client === 'anthropic-sdk-typescript'));
  for (const entry of entries) {
    const seen = rig.fake.requests.find((request) => request.requestId === entry.requestId)!;
    assert.equal(entry.usage.input_tokens, seen.usage!.input_tokens);
    assert.equal(
      entry.usage.output_tokens,
      seen.usage!.output_tokens,
      'message_delta output taken as reported, not added to message_start',
    );
  }
  assert.equal(ledgerUsd(entries), billedUsd(rig.fake));
  assert.ok(ledgerUsd(entries) > 0);
});

test('a client that disconnects mid-stream leaves one aborted entry with the usage seen so far', async () => {
  const rig = await startRig();
  rig.fake.injectFault({ type: 'slow', delayMs: 40 });
  const client = rig.client();
  const controller = new AbortController();
  const stream = client.messages.stream(
    { model: 'claude-haiku-5-5', max_tokens: 500, messages: [{ role: 'user', content: 'a long answer please [[tokens:400]]' }] },
    { signal: controller.signal },
  );
  let deltas = 0;
  stream.on('text', () => {
    if (++deltas === 2) controller.abort();
  });
  await assert.rejects(stream.finalMessage());
  await waitFor(() => rig.entries().length === 1);
  const [entry] = rig.entries();
  assert.equal(entry!.status, 'aborted');
  assert.equal(entry!.requestId, rig.fake.requests[0]!.requestId);
  assert.equal(entry!.usage.input_tokens, rig.fake.requests[0]!.usage!.input_tokens, 'input counts from message_start');
  assert.ok(entry!.usage.output_tokens >= 1 && entry!.usage.output_tokens < 400, 'output: what was received, not the whole answer');
  assert.ok(entry!.usage.output_tokens > 1, 'no message_delta arrived: output raised to Tally’s count of the text received');
  await waitFor(() => rig.gateway.inFlight() === 0);
});

test('an upstream that drops mid-stream, or sends an error event, leaves one error entry; the client sees the same failure', async () => {
  const rig = await startRig();
  const client = rig.client();
  const ask = (text: string) =>
    client.messages.stream({ model: 'claude-haiku-5-5', max_tokens: 500, messages: [{ role: 'user', content: text }] }).finalMessage();

  rig.fake.injectFault({ type: 'drop', afterDeltas: 2 });
  await assert.rejects(ask('dropped [[tokens:200]]'));
  rig.fake.injectFault({ type: 'stream_error', afterDeltas: 1, errorType: 'overloaded_error' });
  await assert.rejects(ask('overloaded mid-stream [[tokens:200]]'), (error: unknown) => error instanceof Anthropic.APIError);
  rig.fake.injectFault({ type: 'rate_limit', retryAfterSeconds: 7 });
  await assert.rejects(ask('rate limited'), (error: unknown) => {
    assert.ok(error instanceof Anthropic.RateLimitError);
    assert.equal(error.headers.get('retry-after'), '7', 'the upstream’s retry-after reaches the client');
    return true;
  });
  rig.fake.injectFault({ type: 'drop', afterDeltas: 0 });
  await assert.rejects(
    client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 100, messages: [{ role: 'user', content: 'not streamed, dropped' }] }),
  );

  await waitFor(() => rig.entries().length === 4);
  const entries = rig.entries();
  assert.deepEqual(
    entries.map((entry) => entry.status),
    ['error', 'error', 'error', 'error'],
  );
  const [dropped, overloaded, limited, silent] = entries;
  assert.equal(dropped!.usage.input_tokens, rig.fake.requests[0]!.usage!.input_tokens);
  assert.ok(dropped!.usage.output_tokens > 1, 'output raised to the text received');
  assert.equal(overloaded!.usage.input_tokens, rig.fake.requests[1]!.usage!.input_tokens);
  assert.equal(limited!.usd, 0, 'a 429 is not billed');
  assert.equal(limited!.usageEstimated, false);
  assert.equal(silent!.usageEstimated, true, 'no reply at all: Tally’s estimate of the prompt');
  assert.ok(silent!.usage.input_tokens > 0);
  assert.ok(entries.every((entry) => Number.isFinite(entry.usd)));
  assert.deepEqual(
    entries.slice(0, 3).map((entry) => entry.requestId),
    rig.fake.requests.slice(0, 3).map((request) => request.requestId),
  );
  assert.equal(silent!.requestId, null, 'the upstream never answered, so there is no request id');
});

test('an upstream that cannot be reached is a 502 with no ledger entry (nothing was sent)', async () => {
  const closed = await startFakeAnthropic();
  const url = closed.url;
  await closed.close();
  const rig = await startRig({ upstream: url });
  const response = await rawRequest(`${rig.gateway.baseUrl}/v1/messages`, { headers: apiHeaders, body: messagesBody('anyone there?') });
  assert.equal(response.status, 502);
  assert.equal(JSON.parse(response.body.toString('utf8')).error.type, 'api_error');
  assert.equal(rig.entries().length, 0);
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
