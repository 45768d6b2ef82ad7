// Issue 8: every request that reached the server leaves exactly one ledger entry with a finite cost,
// whatever the server reports or however the stream fails, and an unwritable ledger loses nothing.
// Real client, simulated API, real ledger on disk.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createMessagesClient } from '../../src/core/anthropic/client.js';
import { ChatEngine, type ChatRouter } from '../../src/core/chat/engine.js';
import { Conversation } from '../../src/core/chat/conversation.js';
import { InputError } from '../../src/core/errors.js';
import { openLedger, type Ledger, type LedgerEntry } from '../../src/core/ledger/index.js';
import { monthFileName } from '../../src/core/ledger/paths.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import type { FaultInput } from '../../src/simulator/faults.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { scratchDir } from './scratch.js';

const MODEL = 'claude-sonnet-5-5';
const router: ChatRouter = {
  route: () => ({ tier: 'sonnet', model: MODEL, score: 0.5, reasons: ['test'], maxTokens: 1024, taskClass: 'explain' }),
  chooseWithCache: ({ decision }) => ({ model: decision.model, tier: decision.tier, reasons: decision.reasons }),
};
const root = scratchDir('failure-injection');
let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic();
});
after(() => fake.close());

let run = 0;
function setup(options: { timeoutMs?: number; maxRetries?: number } = {}) {
  const dir = join(root, `ledger-${++run}`);
  const ledger = openLedger(dir, { pendingDir: join(root, `pending-${run}`) });
  const engine = new ChatEngine({
    client: createMessagesClient({
      apiKey: 'sk-test',
      baseUrl: fake.url,
      maxRetries: options.maxRetries ?? 0,
      timeoutMs: options.timeoutMs ?? 5_000,
    }),
    priceTable: bundledPriceTable(),
    ledger,
    router,
    workspace: { path: '/work/project', name: 'project' },
    compression: null,
  });
  return { dir, ledger, engine, conversation: new Conversation(`c${run}`, 'You are terse.', []) };
}

/** Messages requests the server received since `from` (count_tokens is free and never recorded). */
const messagesSince = (from: number) => fake.requests.slice(from).filter((r) => r.path === '/v1/messages');
const entriesOf = (ledger: Ledger): LedgerEntry[] => ledger.query().entries;

function assertOneFiniteEntryPerRequest(ledger: Ledger, reached: number) {
  const entries = entriesOf(ledger);
  assert.equal(entries.length, reached, `one entry per request that reached the server (${reached})`);
  for (const entry of entries) assert.ok(Number.isFinite(entry.usd) && entry.usd >= 0, `finite cost, got ${entry.usd}`);
  return entries;
}

const badUsages: [string, unknown][] = [
  ['{}', {}],
  ['negative', { input_tokens: -5, output_tokens: 3 }],
  ['fractional', { input_tokens: 1.5, output_tokens: 3 }],
  ['a string', { input_tokens: '12', output_tokens: 3 }],
  ['null', null],
  ['absurd (1e308)', { input_tokens: 1e308, output_tokens: 1 }],
  ['missing', undefined],
];

for (const [label, usage] of badUsages) {
  for (const at of ['start', 'delta'] as const) {
    test(`usage ${label} in message_${at}: one entry, Tally's estimate, flagged, finite`, async () => {
      const { ledger, engine, conversation } = setup();
      const from = fake.requests.length;
      const fault = (usage === undefined ? { type: 'bad_usage', at } : { type: 'bad_usage', at, usage }) as FaultInput;
      fake.injectFault(fault);
      const result = await engine.sendTurn(conversation, { user: 'explain closures [[tokens:40]]' });
      assert.equal(messagesSince(from).length, 1);
      const [entry] = assertOneFiniteEntryPerRequest(ledger, 1);
      assert.equal(result.text.length > 0, true, 'the answer is kept');
      if (at === 'delta' && usage !== null && typeof usage === 'object' && Object.keys(usage).length === 0) {
        // An empty delta changes nothing: message_start's counts stand and are sane.
        assert.equal(entry!.usageEstimated, false);
        return;
      }
      assert.equal(entry!.usageEstimated, true, 'recorded as an estimate');
      assert.ok(entry!.usd > 0, 'the estimate prices the prompt and the answer');
      assert.match(result.usageProblem ?? '', /\S/, 'the turn says what was wrong');
    });
  }
}

const streamFaults: [string, FaultInput, number][] = [
  ['drop after 2 deltas', { type: 'drop', afterDeltas: 2 }, 1],
  ['error event after 1 delta', { type: 'stream_error', afterDeltas: 1 }, 1],
  ['429 on every try', { type: 'rate_limit', retryAfterSeconds: 0, times: 1 }, 1],
  ['529 overloaded', { type: 'overloaded' }, 1],
  ['500 server error', { type: 'server_error' }, 1],
  ['no headers before the timeout', { type: 'stall', delayMs: 1_500 }, 1],
];

for (const [label, fault, reached] of streamFaults) {
  test(`stream fault, ${label}: one entry per request the server received, finite`, async () => {
    const { ledger, engine, conversation } = setup({ timeoutMs: 300 });
    const from = fake.requests.length;
    fake.injectFault(fault);
    const result = await engine.sendTurn(conversation, { user: 'explain closures [[tokens:200]]' });
    assert.equal(messagesSince(from).length, reached);
    const entries = assertOneFiniteEntryPerRequest(ledger, reached);
    assert.notEqual(result.status, 'ok');
    assert.equal(entries[0]!.status, 'error');
  });
}

test('a request retried after a 429 and then answered is one entry, at what the answer cost', async () => {
  const { ledger, engine, conversation } = setup({ maxRetries: 2 });
  fake.injectFault({ type: 'rate_limit', retryAfterSeconds: 0 });
  const result = await engine.sendTurn(conversation, { user: 'hello [[tokens:20]]' });
  assert.equal(result.status, 'ok');
  const [entry] = assertOneFiniteEntryPerRequest(ledger, 1);
  assert.equal(entry!.usd, result.usd);
});

test('a ledger that cannot be created is found before sending: one line, exit 2, nothing sent', async () => {
  const blocker = join(root, 'a-file');
  writeFileSync(blocker, 'not a directory');
  const ledger = openLedger(join(blocker, 'ledger'));
  const engine = new ChatEngine({
    client: createMessagesClient({ apiKey: 'sk-test', baseUrl: fake.url, maxRetries: 0 }),
    priceTable: bundledPriceTable(),
    ledger,
    router,
    workspace: { path: '/w', name: 'w' },
    compression: null,
  });
  const from = fake.requests.length;
  await assert.rejects(
    engine.sendTurn(new Conversation('x', '', []), { user: 'hi' }),
    (error: unknown) =>
      error instanceof InputError && error.exitCode === 2 && /cannot write the ledger .*not a directory/.test(error.message),
  );
  assert.equal(fake.requests.length, from, 'nothing was sent');
});

test('a full disk after the answer: the answer is kept, the entry kept aside and counted, then written once the disk has room', async () => {
  const { dir, ledger, engine, conversation } = setup();
  const month = new Date().toISOString().slice(0, 7);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, monthFileName(month));
  symlinkSync('/dev/full', file); // every write to it fails with ENOSPC, as on a full disk
  const first = await engine.sendTurn(conversation, { user: 'first question [[tokens:30]]' });
  assert.equal(first.status, 'ok');
  assert.ok(first.text.length > 0, 'the answer is kept');
  assert.match(first.ledgerProblem ?? '', /cannot write the ledger .*the disk is full \(ENOSPC\); the entry is kept in .*pending/);
  assert.equal(ledger.spend('/work/project').today.usd, first.usd, "this process's spend still counts it");

  rmSync(file); // room again
  const second = await engine.sendTurn(conversation, { user: 'second question [[tokens:30]]' });
  assert.equal(second.ledgerProblem, null);
  const reread = openLedger(dir, { persistIndex: false });
  const entries = reread.query().entries;
  assert.equal(entries.length, 2, 'both requests are in the ledger, each once');
  assert.deepEqual(
    entries.map((e) => e.usd),
    [first.usd, second.usd],
  );
  assert.deepEqual(readdirSync(join(root, `pending-${run}`)), [], 'the side file is gone once moved');
});

test('an entry kept aside by a process that died is moved in by the next process, once', () => {
  const dir = join(root, 'orphan-ledger');
  const pendingDir = join(root, 'orphan-pending');
  const writer = openLedger(dir, { pendingDir });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, monthFileName('2026-11'));
  symlinkSync('/dev/full', file);
  const entry = {
    ts: '2026-11-20T10:00:00.000Z',
    workspace: { path: '/w', name: 'w' },
    source: 'cli' as const,
    model: MODEL,
    tier: 'sonnet' as const,
    usage: { input_tokens: 100, output_tokens: 10 },
    usd: 0.0004,
    baselineUsd: 0.0004,
    status: 'ok' as const,
    durationMs: 10,
  };
  const kept = writer.append(entry);
  assert.equal(kept.written, false);
  // The side file belongs to this process; as a dead process's it would carry another pid.
  const [own] = readdirSync(pendingDir);
  const orphan = own!.replace(`.${process.pid}.`, '.999999.');
  writeFileSync(join(pendingDir, orphan), readFileSync(join(pendingDir, own!), 'utf8'));
  rmSync(join(pendingDir, own!));
  rmSync(file);
  const next = openLedger(dir, { pendingDir, now: () => Date.parse('2026-11-20T12:00:00Z') });
  next.append({ ...entry, ts: '2026-11-20T11:00:00.000Z' });
  next.append({ ...entry, ts: '2026-11-20T11:30:00.000Z' });
  const entries = openLedger(dir, { persistIndex: false }).query().entries;
  assert.deepEqual(
    entries.map((e) => e.ts),
    ['2026-11-20T10:00:00.000Z', '2026-11-20T11:00:00.000Z', '2026-11-20T11:30:00.000Z'],
  );
});
