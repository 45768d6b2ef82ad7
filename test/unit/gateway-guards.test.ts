// Budgets, the loop guard, opt-in routing and caching, and usage the upstream got wrong.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { buildLedgerEntry } from '../../src/core/ledger/index.js';
import { resolveModel } from '../../src/core/prices/priceTable.js';
import { apiHeaders, billedUsd, ledgerUsd, rawRequest, startRig, table, WORKSPACE } from './gatewayHarness.js';

const sonnet = resolveModel(table, 'claude-sonnet-5-5');

function spend(usd: number) {
  // An earlier request of this workspace, today, that cost about `usd` (output tokens on Sonnet at $10/M).
  return buildLedgerEntry(table, {
    startedAt: Date.now(),
    workspace: WORKSPACE,
    source: 'cli',
    model: sonnet,
    defaultModel: sonnet,
    usage: { input_tokens: 0, output_tokens: Math.round(usd * 100_000) },
    status: 'ok',
    durationMs: 1,
  });
}

test('a request past the hard budget gets an Anthropic-shaped 400 the SDK shows as an API error, and nothing is sent', async () => {
  const budget = { dailyUsd: 0.01, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null };
  const rig = await startRig({ policy: { budget } });
  rig.ledger.append(spend(0.01));
  const error = await rig
    .client()
    .messages.create({ model: 'claude-sonnet-5-5', max_tokens: 1000, messages: [{ role: 'user', content: 'one more?' }] })
    .catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.BadRequestError, String(error));
  assert.equal(error.status, 400);
  assert.equal(error.headers.get('x-should-retry'), 'false');
  const body = error.error as { type: string; error: { type: string; message: string } };
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, 'invalid_request_error');
  assert.match(
    body.error.message,
    /^Tally: daily budget of \$0\.01 reached, so this request was not sent: daily budget \$0\.01 would be exceeded \(\$0\.01 spent/,
  );
  assert.deepEqual(
    rig.fake.requests.map((request) => request.path),
    ['/v1/messages/count_tokens'],
    'only the free exact count, no message',
  );
  assert.equal(rig.entries().length, 1, 'only the earlier spend');
});

test('max_tokens is lowered to what the budget can pay for; concurrent requests never take the spend past it', async () => {
  const budget = { dailyUsd: 0.05, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null };
  const rig = await startRig({ policy: { budget } });
  rig.ledger.append(spend(0.03)); // $0.02 left: 2,000 output tokens on Sonnet, less the prompt
  const client = rig.client();
  await client.messages.create({
    model: 'claude-sonnet-5-5',
    max_tokens: 8000,
    messages: [{ role: 'user', content: 'short [[tokens:100]]' }],
  });
  // Near the limit the prompt is counted exactly first (count_tokens is free), then sent with what fits.
  assert.deepEqual(
    rig.fake.requests.map((request) => request.path),
    ['/v1/messages/count_tokens', '/v1/messages'],
  );
  const sentMax = (rig.fake.requests[1]!.body as { max_tokens: number }).max_tokens;
  assert.ok(sentMax < 2000 && sentMax > 1900, `max_tokens sent upstream: ${sentMax}`);
  const [, capped] = rig.entries();
  assert.match(capped!.routedReasons.join('\n'), /max_tokens lowered from 8000 to \d+/);

  // Twenty at once, each able to cost up to $0.01: only what fits in what is left is sent.
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      client.messages
        .create({ model: 'claude-sonnet-5-5', max_tokens: 1000, messages: [{ role: 'user', content: `n${i} [[tokens:900]]` }] })
        .then(
          () => 'sent',
          (e: unknown) => (e instanceof Anthropic.BadRequestError ? 'refused' : `other: ${String(e)}`),
        ),
    ),
  );
  assert.ok(outcomes.includes('refused'));
  assert.ok(outcomes.includes('sent'));
  assert.ok(
    outcomes.every((outcome) => outcome === 'sent' || outcome === 'refused'),
    outcomes.join(', '),
  );
  const total = ledgerUsd(rig.entries());
  assert.ok(total <= budget.dailyUsd, `spent ${total} of a ${budget.dailyUsd} budget`);
  assert.equal(ledgerUsd(rig.entries().slice(1)), billedUsd(rig.fake), 'the ledger has exactly what was billed');
});

let callNumber = 0;
const toolCall = (input: unknown) => {
  const id = `toolu_${++callNumber}`;
  return [
    { role: 'assistant', content: [{ type: 'tool_use', id, name: 'read_file', input }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'same output' }] },
  ];
};

test('the loop guard refuses the third identical tool call in a row, sending nothing; different input or the guard off lets it through', async () => {
  const rig = await startRig();
  const client = rig.client();
  const ask = (messages: unknown[]) =>
    client.messages.create({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'fix the bug' }, ...messages] as Anthropic.MessageParam[],
    });
  await ask([...toolCall({ path: 'a.ts' }), ...toolCall({ path: 'a.ts' })]); // twice: fine
  await ask([...toolCall({ path: 'a.ts' }), ...toolCall({ path: 'b.ts' }), ...toolCall({ path: 'a.ts' })]); // not in a row
  const error = await ask([
    ...toolCall({ path: 'a.ts', n: 1 }),
    ...toolCall({ n: 1, path: 'a.ts' }),
    ...toolCall({ path: 'a.ts', n: 1 }),
  ]).catch((e: unknown) => e);
  assert.ok(error instanceof Anthropic.BadRequestError);
  assert.match(
    (error.error as { error: { message: string } }).error.message,
    /^Tally: loop guard: the same tool call read_file\(\{"n":1,"path":"a.ts"\}\) was made 3 times in a row, so this request was not sent/,
  );
  // A system reminder after the last tool result (as Claude Code sends) does not hide the loop.
  const reminded = await ask([
    ...toolCall({ q: 2 }),
    ...toolCall({ q: 2 }),
    ...toolCall({ q: 2 }),
    { role: 'system', content: 'reminder' },
  ]).catch((e: unknown) => e);
  assert.ok(reminded instanceof Anthropic.BadRequestError);
  assert.equal(rig.fake.requests.length, 2);
  assert.equal(rig.entries().length, 2);

  const off = await startRig({ policy: { loopGuardRepeats: null } });
  const reply = await off.client().messages.create({
    model: 'claude-haiku-5-5',
    max_tokens: 100,
    messages: [
      { role: 'user', content: 'go' },
      ...toolCall({ p: 1 }),
      ...toolCall({ p: 1 }),
      ...toolCall({ p: 1 }),
    ] as Anthropic.MessageParam[],
  });
  assert.equal(reply.type, 'message');
});

test('tally-auto is routed by Tally’s router with the reason in the ledger; any other request goes upstream unchanged', async () => {
  const rig = await startRig();
  const client = rig.client();
  const reply = await client.messages.create({
    model: 'tally-auto',
    max_tokens: 200,
    messages: [{ role: 'user', content: 'git command to undo the last commit but keep changes staged' }],
  });
  assert.equal(reply.model, 'claude-haiku-5-5');
  assert.equal((rig.fake.requests[0]!.body as { model: string }).model, 'claude-haiku-5-5');
  const [entry] = rig.entries();
  assert.match(entry!.routedReasons[0]!, /^tally-auto routed to haiku: /);
  assert.ok(entry!.baselineUsd > entry!.usd, 'savings measured against the default (sonnet) model');

  const counted = await client.messages.countTokens({ model: 'tally-auto', messages: [{ role: 'user', content: 'how many?' }] });
  assert.ok(counted.input_tokens > 0);

  const plain = {
    model: 'claude-sonnet-5-5',
    max_tokens: 123,
    system: 'be brief',
    messages: [{ role: 'user', content: 'hi' }],
    metadata: { user_id: 'u1' },
  };
  await client.messages.create(plain as Anthropic.MessageCreateParamsNonStreaming);
  assert.deepEqual(rig.fake.requests[2]!.body, plain, 'not opted in: not one field changed');
  assert.deepEqual(rig.entries()[1]!.routedReasons, []);
});

test('opt-in cache placement: breakpoints for a client that sends none, so the second request reads the cache; a client’s own plan is kept', async () => {
  const rig = await startRig({ policy: { placeCache: true } });
  const client = rig.client();
  const system = Array.from({ length: 900 }, (_, i) => `rule${i % 97}`).join(' ');
  const ask = (question: string) =>
    client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 100, system, messages: [{ role: 'user', content: question }] });
  await ask('first question');
  await ask('second question');
  const sent = rig.fake.requests[0]!.body as { system: Array<{ cache_control?: unknown }> };
  assert.deepEqual(sent.system[0]!.cache_control, { type: 'ephemeral' });
  const [first, second] = rig.entries();
  assert.ok((first!.usage.cache_creation_input_tokens ?? 0) > 0);
  assert.ok((second!.usage.cache_read_input_tokens ?? 0) > 0, 'the system prompt was read from the cache');
  assert.match(first!.routedReasons.join(), /cache: Tally placed \d breakpoints?/);

  const own = {
    model: 'claude-haiku-5-5',
    max_tokens: 100,
    system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [{ role: 'user', content: 'mine' }],
  };
  await client.messages.create(own as Anthropic.MessageCreateParamsNonStreaming);
  assert.deepEqual(rig.fake.requests[2]!.body, own);
});

test('usage the upstream got wrong still leaves one entry per request, with a finite cost and Tally’s estimate flagged', async () => {
  const shapes: Record<string, unknown> = {
    empty: {},
    negative: { input_tokens: -5, output_tokens: 10 },
    fractional: { input_tokens: 10.5, output_tokens: 3 },
    string: { input_tokens: '12', output_tokens: 3 },
    null: null,
    absurd: { input_tokens: 1e308, output_tokens: 2, cache_read_input_tokens: 1e308 },
  };
  let requestNumber = 0;
  const upstream = createServer((req, res) => {
    const shape = shapes[String(req.headers['x-shape'])];
    const stream = req.headers['x-stream'] === '1';
    req.resume();
    req.on('end', () => {
      const id = `req_bad_${++requestNumber}`;
      res.setHeader('request-id', id);
      const message = {
        id: `msg_bad_${requestNumber}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-5-5',
        content: [{ type: 'text', text: 'fine words' }],
        stop_reason: 'end_turn',
        usage: shape,
      };
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      send('message_start', { message: { ...message, content: [], usage: shape } });
      send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'fine words' } });
      send('content_block_stop', { index: 0 });
      send('message_delta', { delta: { stop_reason: 'end_turn' }, usage: shape });
      send('message_stop', {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const rig = await startRig({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
  try {
    const body = JSON.stringify({
      model: 'claude-haiku-5-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'count my words please' }],
    });
    for (const name of Object.keys(shapes)) {
      for (const stream of ['0', '1']) {
        const response = await rawRequest(`${rig.gateway.baseUrl}/v1/messages`, {
          headers: { ...apiHeaders, 'x-shape': name, 'x-stream': stream },
          body,
        });
        assert.equal(response.status, 200, name);
      }
    }
    const entries = rig.entries();
    assert.equal(entries.length, Object.keys(shapes).length * 2);
    for (const entry of entries) {
      assert.ok(Number.isFinite(entry.usd) && entry.usd > 0, `${entry.requestId}: ${entry.usd}`);
      assert.equal(entry.usageEstimated, true, entry.requestId!);
      assert.ok(Number.isSafeInteger(entry.usage.input_tokens) && entry.usage.input_tokens > 0);
    }
    assert.equal(rig.problems.length, entries.length, 'each is reported');
    assert.match(rig.problems[0]!, /^req_bad_1: the upstream's usage .*; recorded Tally's estimate$/);
  } finally {
    await new Promise((resolve) => upstream.close(resolve));
  }
});
