import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { runTally } from './cliHarness.js';

const KEY = 'sk-ant-secret-key-123';
const TIME_SCALE = 150; // 5 minutes are 2 s: room for a slow machine between back-to-back turns
let fake: FakeAnthropic;
let dir: string;
before(async () => {
  fake = await startFakeAnthropic({ timeScale: TIME_SCALE, apiKeys: [KEY] });
  dir = mkdtempSync(join(tmpdir(), 'tally-chat-'));
});
after(() => fake.close());

const words = (seed: string, n: number) => Array.from({ length: n }, (_, i) => `${seed}${i % 89}`).join(' ');

function script(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const conversation = {
  system: words('system', 700),
  context: [{ path: 'src/a.ts', text: words('a', 700) }],
  turns: [
    { user: 'explain a.ts [[tokens:40]]', model: 'sonnet' },
    { user: 'and the tests? [[tokens:40]]', model: 'claude-sonnet-5-5', pauseSeconds: 0 },
    { user: 'back after a coffee [[tokens:40]]', model: 'sonnet', pauseSeconds: 600 }, // 10 minutes: 4 s at --time-scale 150
  ],
};

test('tally chat runs a script: one JSON line per turn, a summary, the ledger written, the key never shown', async () => {
  const ledger = join(dir, 'ledger-ok');
  const run = await runTally(
    [
      'chat',
      '--script',
      script('ok.json', conversation),
      '--base-url',
      fake.url,
      '--ledger',
      ledger,
      '--workspace',
      dir,
      '--time-scale',
      String(TIME_SCALE),
      '--cache-ttl',
      '5m',
      '--json',
    ],
    '',
    { ANTHROPIC_API_KEY: KEY },
  );
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines.length, 4);
  for (const line of lines.slice(0, 3)) {
    assert.deepEqual(Object.keys(line), [
      'turn',
      'model',
      'tier',
      'reasons',
      'estimateUsd',
      'estimate',
      'usage',
      'usageEstimated',
      'usd',
      'cacheReadTokens',
      'cacheWriteTokens',
      'savedUsd',
    ]);
  }
  assert.ok((lines[1]!['cacheReadTokens'] as number) > 0, 'back to back: the second turn reads the cache');
  assert.equal(lines[2]!['cacheReadTokens'], 0, 'ten minutes later the 5-minute entries have expired');
  const summary = lines[3]!['summary'] as Record<string, number>;
  assert.equal(summary['turns'], 3);
  assert.ok(Math.abs(summary['usd']! - lines.slice(0, 3).reduce((sum, line) => sum + (line['usd'] as number), 0)) < 1e-9);
  assert.ok(Math.abs(summary['savedUsd']! - (summary['uncachedUsd']! - summary['usd']!)) < 1e-9);
  const ledgerText = readdirSync(ledger)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => readFileSync(join(ledger, name), 'utf8'))
    .join('');
  assert.equal(ledgerText.trim().split('\n').length, 3);
  assert.ok(!ledgerText.includes(KEY) && !run.stdout.includes(KEY) && !run.stderr.includes(KEY));
});

test('by default (auto TTL) the cache outlives a ten-minute pause once the conversation is under way', async () => {
  const run = await runTally(
    [
      'chat',
      '--script',
      script('auto.json', conversation),
      '--base-url',
      fake.url,
      '--ledger',
      join(dir, 'ledger-auto'),
      '--workspace',
      dir,
      '--time-scale',
      String(TIME_SCALE),
      '--json',
    ],
    '',
    { ANTHROPIC_API_KEY: KEY },
  );
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok((lines[2]!['cacheReadTokens'] as number) > 0, 'after the coffee the prompt is still read from cache');
  assert.ok(
    (lines[2]!['reasons'] as string[]).some((reason) => /1 hour/.test(reason)),
    String(lines[2]!['reasons']),
  );
});

test('tally chat exits 3 when a budget refuses, before sending', async () => {
  const before = fake.requests.filter((r) => r.path === '/v1/messages').length;
  const run = await runTally(
    [
      'chat',
      '--script',
      script('budget.json', conversation),
      '--base-url',
      fake.url,
      '--ledger',
      join(dir, 'ledger-budget'),
      '--daily-budget',
      '0.00001',
    ],
    '',
    { ANTHROPIC_API_KEY: KEY },
  );
  assert.equal(run.code, 3);
  assert.match(run.stderr, /daily budget \$0\.00001 would be exceeded/);
  assert.equal(fake.requests.filter((r) => r.path === '/v1/messages').length, before);
});

test('tally chat exits 4 on an API error, without showing the key', async () => {
  const wrongKey = 'sk-ant-wrong-key-456';
  const run = await runTally(
    ['chat', '--script', script('err.json', conversation), '--base-url', fake.url, '--ledger', join(dir, 'ledger-err')],
    '',
    {
      ANTHROPIC_API_KEY: wrongKey,
    },
  );
  assert.equal(run.code, 4);
  assert.ok(!run.stderr.includes(wrongKey) && !run.stdout.includes(wrongKey));
});

test('tally chat exits 2 on a bad script, naming the field', async () => {
  const run = await runTally(['chat', '--script', script('bad.json', { turns: [{ user: '' }] }), '--base-url', fake.url], '', {
    ANTHROPIC_API_KEY: KEY,
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /bad\.json: turns\[0\]\.user: must not be empty/);
  const noKey = await runTally(['chat', '--script', script('ok2.json', conversation), '--base-url', fake.url], '', {});
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /ANTHROPIC_API_KEY/);
});

test('tally chat --history-budget summarises old turns on the cheap tier and counts that spend', async () => {
  const turns = Array.from({ length: 5 }, (_, i) => ({ user: `question ${i + 1} [[tokens:150]]`, model: 'sonnet' }));
  const run = await runTally(
    [
      'chat',
      '--script',
      script('long.json', { system: words('s', 300), turns }),
      '--base-url',
      fake.url,
      '--ledger',
      join(dir, 'ledger-long'),
      '--history-budget',
      '400',
      '--json',
    ],
    '',
    { ANTHROPIC_API_KEY: KEY },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /turns 1-\d+ now sent as a summary/);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const turnUsd = lines.slice(0, -1).reduce((sum, line) => sum + (line['usd'] as number), 0);
  const summary = lines.at(-1)!['summary'] as Record<string, number>;
  assert.ok(summary['usd']! > turnUsd, 'the summaries are part of what the run cost');
});
