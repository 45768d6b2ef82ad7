// Who gets through the gateway, and what passes through it unchanged: tokens, Host, credentials, headers, query strings.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiHeaders, KEY, messagesBody, rawRequest, startRig, WORKSPACE } from './gatewayHarness.js';

test('only token holders get through: a missing or wrong token is a 401 that never reaches the upstream', async () => {
  const rig = await startRig();
  const origin = `http://127.0.0.1:${rig.gateway.port}`;
  const attempts = [
    rawRequest(`${origin}/v1/messages`, { headers: apiHeaders, body: messagesBody('no token') }),
    rawRequest(`${origin}/t/${'x'.repeat(43)}/v1/messages`, { headers: apiHeaders, body: messagesBody('wrong token') }),
    rawRequest(`${origin}/v1/messages`, {
      headers: { ...apiHeaders, 'x-tally-token': 'not-the-token-at-all' },
      body: messagesBody('wrong header'),
    }),
    rawRequest(`${origin}/t/${rig.gateway.token.slice(0, -1)}/v1/messages`, { headers: apiHeaders, body: messagesBody('truncated token') }),
  ];
  for (const response of await Promise.all(attempts)) {
    assert.equal(response.status, 401);
    const body = JSON.parse(response.body.toString('utf8'));
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'authentication_error');
  }
  const sdk = new Anthropic({ apiKey: KEY, baseURL: `${origin}/t/${'y'.repeat(43)}`, maxRetries: 0 });
  await assert.rejects(
    sdk.messages.create({ model: 'claude-haiku-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    (error: unknown) => error instanceof Anthropic.AuthenticationError,
  );
  assert.equal(rig.fake.requests.length, 0, 'nothing reached the upstream');
  assert.equal(rig.entries().length, 0);

  // The token in a header instead of the path works too, and is not forwarded.
  const viaHeader = new Anthropic({ apiKey: KEY, baseURL: origin, maxRetries: 0, defaultHeaders: { 'x-tally-token': rig.gateway.token } });
  const reply = await viaHeader.messages.create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(reply.type, 'message');
  assert.equal(rig.fake.requests.length, 1);
  assert.equal(rig.fake.requests[0]!.headers['x-tally-token'], undefined);
  assert.equal(rig.entries().length, 1);
});

test('a request addressed to another host name (DNS rebinding) is refused before anything is read or sent', async () => {
  const rig = await startRig();
  const url = `${rig.gateway.baseUrl}/v1/messages`;
  for (const host of [
    'evil.example',
    `evil.example:${rig.gateway.port}`,
    `127.0.0.1:${rig.gateway.port + 1}`,
    `[::1]:${rig.gateway.port}`,
  ]) {
    const response = await rawRequest(url, { host, headers: apiHeaders, body: messagesBody('rebinding') });
    assert.equal(response.status, 403, host);
    assert.equal(JSON.parse(response.body.toString('utf8')).error.type, 'permission_error');
  }
  assert.equal(rig.fake.requests.length, 0);
  const local = await rawRequest(url, {
    host: `localhost:${rig.gateway.port}`,
    headers: apiHeaders,
    body: messagesBody('localhost is fine'),
  });
  assert.equal(local.status, 200);
  assert.equal(rig.fake.requests.length, 1);
});

test("headers and query strings pass through both ways; the client's own key or OAuth token is used, else the configured key", async () => {
  const rig = await startRig({ gateway: { apiKey: () => KEY } });
  const client = rig.client({
    defaultHeaders: {
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14',
      'x-custom-trace': 'abc-123',
    },
  });
  const { data, response } = await client.messages
    .create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }] }, { query: { beta: 'true' } })
    .withResponse();
  assert.equal(data.type, 'message');
  const seen = rig.fake.requests[0]!;
  assert.equal(seen.url, '/v1/messages?beta=true');
  assert.equal(seen.headers['anthropic-beta'], 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14');
  assert.equal(seen.headers['anthropic-version'], '2023-06-01');
  assert.equal(seen.headers['x-custom-trace'], 'abc-123');
  assert.match(seen.headers['user-agent']!, /^Anthropic\/JS /);
  assert.equal(seen.headers['host'], new URL(rig.fake.url).host, 'the upstream sees its own host name');
  assert.equal(seen.auth, 'bearer', 'this SDK sends its key as a bearer token');
  // Back to the client: the upstream's request id and rate-limit headers.
  assert.equal(response.headers.get('request-id'), seen.requestId);
  assert.equal(response.headers.get('anthropic-ratelimit-requests-limit'), '4000');

  assert.equal(seen.headers['x-api-key'], undefined, 'no key is added next to the client’s own credential');

  // An x-api-key passes through as it is, with no Authorization added.
  const withKey = await rawRequest(`${rig.gateway.baseUrl}/v1/messages`, { headers: apiHeaders, body: messagesBody('my own key') });
  assert.equal(withKey.status, 200);
  assert.equal(rig.fake.requests[1]!.auth, 'x-api-key');
  assert.equal(rig.fake.requests[1]!.headers['authorization'], undefined);

  // A client that sends no credential gets the configured key added.
  const bare = await rawRequest(`${rig.gateway.baseUrl}/v1/messages`, {
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: messagesBody('no key of my own'),
  });
  assert.equal(bare.status, 200);
  assert.equal(rig.fake.requests[2]!.auth, 'x-api-key');

  // A wrong key of the client's own is not replaced: the upstream refuses it.
  const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: rig.gateway.baseUrl, maxRetries: 0 });
  await assert.rejects(
    wrong.messages.create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    (error: unknown) => error instanceof Anthropic.AuthenticationError,
  );
  assert.equal(rig.fake.requests[3]!.status, 401);
  const entries = rig.entries();
  assert.equal(entries.length, 4, 'each request that reached the upstream has an entry');
  assert.deepEqual(
    entries.map((entry) => entry.status),
    ['ok', 'ok', 'ok', 'error'],
  );
  assert.equal(entries[3]!.usd, 0, 'a refused request is not billed');
  assert.equal(entries[3]!.requestId, rig.fake.requests[3]!.requestId);
  assert.ok(entries.every((entry) => entry.workspace.path === WORKSPACE.path && entry.source === 'gateway'));
});

test('count_tokens and the model list pass through and are not spend; other endpoints are not forwarded', async () => {
  const rig = await startRig();
  const client = rig.client();
  const counted = await client.messages.countTokens({
    model: 'claude-haiku-5-5',
    messages: [{ role: 'user', content: 'count me please' }],
  });
  assert.ok(counted.input_tokens > 0);
  const models = await client.models.list({ limit: 3 });
  assert.equal(models.data.length, 3);
  const one = await client.models.retrieve('claude-opus-5-5');
  assert.equal(one.id, 'claude-opus-5-5');
  assert.deepEqual(
    rig.fake.requests.map((request) => `${request.method} ${request.url}`),
    ['POST /v1/messages/count_tokens', 'GET /v1/models?limit=3', 'GET /v1/models/claude-opus-5-5'],
  );
  assert.equal(rig.entries().length, 0, 'counting tokens and listing models cost nothing');

  const batches = await rawRequest(`${rig.gateway.baseUrl}/v1/messages/batches`, { headers: apiHeaders, body: '{"requests":[]}' });
  assert.equal(batches.status, 404);
  assert.match(JSON.parse(batches.body.toString('utf8')).error.message, /not passed through/);
  assert.equal(rig.fake.requests.length, 3);
});

test('a second token is attributed to the workspace it was issued for; a revoked token stops working', async () => {
  const rig = await startRig();
  const other = rig.gateway.issueToken({ path: '/home/dev/other', name: 'other' });
  const client = new Anthropic({ apiKey: KEY, baseURL: other.baseUrl, maxRetries: 0 });
  await client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(rig.entries()[0]!.workspace.path, '/home/dev/other');
  rig.gateway.revokeToken(other.token);
  await assert.rejects(
    client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    (error: unknown) => error instanceof Anthropic.AuthenticationError,
  );
  assert.equal(rig.fake.requests.length, 1);
});
