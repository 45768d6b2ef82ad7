import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTally } from './cliHarness.js';

const scratch = mkdtempSync(join(tmpdir(), 'tally-cli-'));

test('count --json reports model, family, tokens and method', async () => {
  const { code, stdout } = await runTally(['count', '--model', 'opus', '--json'], 'Refactor this function to use async/await.');
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  assert.equal(result.model, 'claude-opus-5-5');
  assert.equal(result.family, 'v5');
  assert.ok(Number.isInteger(result.tokens) && result.tokens > 5 && result.tokens < 40, `tokens ${result.tokens}`);
  assert.equal(result.method, 'estimate');
});

test('a longer text counts more tokens, and the old tokenizer family is used for old models', async () => {
  const short = JSON.parse((await runTally(['count', '--model', 'claude-haiku-4-5', '--json'], 'hello')).stdout);
  const long = JSON.parse((await runTally(['count', '--model', 'claude-haiku-4-5', '--json'], 'hello world, '.repeat(200))).stdout);
  assert.equal(short.family, 'v3');
  assert.ok(long.tokens > short.tokens * 20);
});

test('count --jsonl answers one line per input line and reports bad lines by number', async () => {
  const input = ['{"id":"a","text":"one two three"}', 'not json', '{"id":"b","text":"x"}', ''].join('\n');
  const { code, stdout, stderr } = await runTally(['count', '--model', 'sonnet', '--jsonl'], input);
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    lines.map((line) => line.id),
    ['a', 'b'],
  );
  assert.ok(lines.every((line) => Number.isInteger(line.tokens)));
  assert.match(stderr, /line 2: not valid JSON/);
  assert.equal(code, 2);
});

test('bad input gets a one-line error and exit code 2, never a stack trace', async () => {
  const cases: [string[], string | Buffer, RegExp][] = [
    [['count', '--model', 'gpt-nine'], 'hi', /unknown model "gpt-nine"/],
    [['count', '--model', 'sonnet'], '', /is empty/],
    [['count', '--model', 'sonnet'], Buffer.from([0x68, 0x00, 0x69]), /looks binary/],
    [['count', '--model', 'sonnet'], Buffer.from([0xc3, 0x28]), /not valid UTF-8/],
    [['count', '--model', 'sonnet'], Buffer.alloc(50 * 1024 * 1024, 0x61), /larger than the 32 MB Tally accepts/],
    [['count', '--model', 'sonnet', '--frobnicate'], 'hi', /Unknown option '--frobnicate'/],
    [['count'], 'hi', /--model is required/],
    [['count', '--model', 'sonnet', join(scratch, 'missing.txt')], '', /missing\.txt: no such file/],
    [['cost', '--model', 'sonnet', '--usage', '{"input_tokens": 1'], '', /--usage is not valid JSON/],
    [
      ['cost', '--model', 'sonnet', '--usage', '{"input_tokens":1,"output_tokens":1}', '--date', '2026-13-45'],
      '',
      /--date expects a calendar date as YYYY-MM-DD/,
    ],
    [['frobnicate'], '', /unknown command "frobnicate"/],
  ];
  for (const [args, stdin, message] of cases) {
    const { code, stderr } = await runTally(args, stdin);
    assert.equal(code, 2, `${args.join(' ')} exit code`);
    assert.match(stderr, message, args.join(' '));
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  }
});

test('cost --json prices a usage object on the given date', async () => {
  const usage = JSON.stringify({ input_tokens: 2000, output_tokens: 500, cache_read_input_tokens: 10000, cache_creation_input_tokens: 0 });
  const { code, stdout } = await runTally(['cost', '--model', 'claude-sonnet-5-5', '--usage', usage, '--date', '2026-10-06', '--json']);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), {
    model: 'claude-sonnet-5-5',
    date: '2026-10-06',
    usd: { input: 0.004, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0.002, output: 0.005, total: 0.011 },
  });
});

test('cost --batch halves the bill', async () => {
  const usage = JSON.stringify({ input_tokens: 1_000_000, output_tokens: 0 });
  const full = JSON.parse((await runTally(['cost', '--model', 'opus', '--usage', usage, '--json'])).stdout);
  const batch = JSON.parse((await runTally(['cost', '--model', 'opus', '--usage', usage, '--batch', '--json'])).stdout);
  assert.equal(batch.usd.total, full.usd.total / 2);
});

test('prices shows the source and date, and --prices applies an override file', async () => {
  const table = await runTally(['prices']);
  assert.match(table.stdout, /Source: https:\/\/www\.anthropic\.com\/pricing, checked 2026-10-31/);
  assert.match(table.stdout, /claude-haiku-5-5 +haiku +v5 +0\.1 +0\.125 +0\.2 +0\.01 +0\.5 +512 +>100k: 0\.5\/2\.5/);
  const file = join(scratch, 'prices.json');
  writeFileSync(
    file,
    JSON.stringify({
      models: [{ id: 'claude-opus-5-5', rates: [{ from: null, input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1 }] }],
    }),
  );
  const json = JSON.parse((await runTally(['prices', '--json', '--prices', file])).stdout);
  assert.equal(json.models.find((m: { id: string }) => m.id === 'claude-opus-5-5').rates[0].input, 1);
  writeFileSync(file, '{"models": [{"id": "claude-opus-5-5", "maxOutput": -3}]}');
  const broken = await runTally(['prices', '--prices', file]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /prices\.json: models\[0\] \(claude-opus-5-5\)\.maxOutput: must be positive/);
});

test('estimate prices first send, warm cache and no cache for each model', async () => {
  const system = join(scratch, 'system.txt');
  writeFileSync(system, 'You are a careful senior engineer. '.repeat(400));
  const { code, stdout } = await runTally(
    ['estimate', '--system', system, '--models', 'haiku,sonnet', '--output-tokens', '300', '--json'],
    'Why does this test fail?',
  );
  assert.equal(code, 0);
  const { estimates } = JSON.parse(stdout);
  assert.deepEqual(
    estimates.map((e: { model: string }) => e.model),
    ['claude-haiku-5-5', 'claude-sonnet-5-5'],
  );
  for (const estimate of estimates) {
    assert.ok(estimate.cacheable, 'a 3k-token system prompt is cacheable');
    assert.ok(estimate.warmResend.usd.total < estimate.noCache.usd.total, 'a warm cache is cheaper than no cache');
    assert.ok(estimate.firstSend.usd.total > estimate.noCache.usd.total, 'the first send pays the cache write premium');
    assert.equal(estimate.outputTokens, 300);
  }
});

test('the built CLI runs as `node dist/cli.js`', () => {
  const result = spawnSync(process.execPath, ['dist/cli.js', 'count', '--model', 'haiku', '--json'], {
    input: 'hello there',
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).model, 'claude-haiku-5-5');
  const bad = spawnSync(process.execPath, ['dist/cli.js', 'count', '--model', 'nope'], { input: 'x', encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
});
