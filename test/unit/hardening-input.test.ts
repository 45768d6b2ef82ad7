// Issue 8, items 4-7 and 9: bad input gets one clear line and exit 2; nothing hangs, nothing is read without end.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { redactKey } from '../../src/core/anthropic/apiErrors.js';
import { createMessagesClient } from '../../src/core/anthropic/client.js';
import { InputError } from '../../src/core/errors.js';
import { applyPriceOverrides, bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { parseUsage } from '../../src/core/prices/cost.js';
import { parseRouterConfig, routePrompt } from '../../src/core/router/index.js';
import { runTally } from './cliHarness.js';
import { scratchDir } from './scratch.js';

const dir = scratchDir('hardening');
const table = bundledPriceTable();

/** Runs the built CLI as a process: a hang would be killed by the timeout and fail the test. */
function cli(args: string[], input?: string) {
  const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 20_000, ...(input ? { input } : {}) });
  assert.equal(run.signal, null, `tally ${args.join(' ')} was killed (it hung): ${run.stderr}`);
  return run;
}

const overrides = (json: unknown) => () =>
  applyPriceOverrides(table, typeof json === 'string' ? json : JSON.stringify(json), 'prices.json');
const oneLine = (pattern: RegExp) => (error: unknown) =>
  error instanceof InputError && pattern.test(error.message) && !error.message.includes('\n');

test('an infinite price (1e999 parses as Infinity) is refused, naming the entry and field', () => {
  assert.throws(
    overrides(
      '{"models":[{"id":"claude-opus-5-5","rates":[{"from":null,"input":1e999,"cacheWrite5m":1,"cacheWrite1h":1,"cacheRead":1,"output":1}]}]}',
    ),
    oneLine(/^prices\.json: models\[0\] \(claude-opus-5-5\)\.rates\[0\]\.input: must be a finite number$/),
  );
  assert.throws(overrides({ models: [{ id: 'claude-opus-5-5', maxOutput: 1e300 }] }), oneLine(/maxOutput: must be a whole number/));
});

test('an override file that is a list, or names one model twice, is an error naming the entry', () => {
  assert.throws(overrides([]), oneLine(/^prices\.json: \(top level\): must be an object/));
  assert.throws(
    overrides({
      models: [
        { id: 'claude-opus-5-5', maxOutput: 100 },
        { id: 'claude-opus-5-5', maxOutput: 200 },
      ],
    }),
    oneLine(/models\[1\] \(claude-opus-5-5\) lists the same model as models\[0\]/),
  );
});

test('usage with absurd or unsafe token counts is refused by the cost command, not priced at $Infinity', async () => {
  assert.throws(() => parseUsage({ input_tokens: 1e308, output_tokens: 1 }), oneLine(/input_tokens: must be at most/));
  const run = await runTally(['cost', '--model', 'sonnet', '--usage', '{"input_tokens":1e308,"output_tokens":1}']);
  assert.equal(run.code, 2);
  assert.doesNotMatch(run.stdout, /Infinity/);
  assert.match(run.stderr, /^tally cost: --usage: input_tokens: must be at most 100000000 tokens\n$/);
});

test('dates that do not exist are refused: prices --date garbage, cost --date 2026-02-30', async () => {
  const prices = await runTally(['prices', '--date', 'garbage']);
  assert.equal(prices.code, 2);
  assert.match(prices.stderr, /--date expects a calendar date as YYYY-MM-DD, got "garbage"/);
  const cost = await runTally(['cost', '--model', 'sonnet', '--date', '2026-02-30', '--usage', '{"input_tokens":1,"output_tokens":1}']);
  assert.equal(cost.code, 2);
  assert.match(cost.stderr, /got "2026-02-30"/);
});

test("a catastrophic routing pattern runs in linear time: (a+)+$ on a long run of a's routes at once", () => {
  const config = parseRouterConfig(JSON.stringify({ rules: [{ pattern: '(a+)+$', tier: 'opus' }] }), 'router.json');
  // With backtracking this input takes longer than the age of the universe; RE2 answers in linear time.
  const decision = routePrompt({ prompt: `${'a'.repeat(20_000)}!` }, config, table);
  assert.notEqual(decision.tier, 'opus');
  assert.equal(routePrompt({ prompt: 'aaaa' }, config, table).tier, 'opus');
});

test('tally route with a catastrophic rule on a hostile prompt finishes (the process is killed if it hangs)', () => {
  const config = join(dir, 'redos.json');
  writeFileSync(config, JSON.stringify({ rules: [{ pattern: '(a+)+$', tier: 'opus' }] }));
  const run = cli(['route', '--config', config, '--json'], `${'a'.repeat(5000)}!`);
  assert.equal(run.status, 0, run.stderr);
});

test('a g or y flag does not make the same prompt route differently on each call', () => {
  for (const flags of ['g', 'gi', 'y', 'iy']) {
    const config = parseRouterConfig(JSON.stringify({ rules: [{ pattern: 'incident', flags, tier: 'opus' }] }), 'router.json');
    const tiers = [1, 2, 3, 4].map(() => routePrompt({ prompt: 'prod incident: payments are down' }, config, table).tier);
    assert.deepEqual(tiers, ['opus', 'opus', 'opus', 'opus'], `flags ${flags}`);
  }
});

test('a pattern RE2 cannot run in linear time (a back-reference) is refused with the reason', () => {
  assert.throws(
    () => parseRouterConfig(JSON.stringify({ rules: [{ pattern: '(a)\\1', tier: 'opus' }] }), 'router.json'),
    oneLine(/^router\.json: rules\[0\]\.pattern: not a valid regular expression: .*RE2 syntax/),
  );
});

for (const [label, args, input] of [
  ['count FILE', ['count', '--model', 'sonnet', '/dev/zero'], undefined],
  ['count < /dev/zero', ['count', '--model', 'sonnet'], 'stdin'],
  ['estimate --context', ['estimate', '--context', '/dev/zero', '-'], 'hello'],
  ['--prices', ['prices', '--prices', '/dev/zero'], undefined],
] as const) {
  test(`endless input is refused at the 32 MB limit, not read whole: ${label}`, () => {
    const run =
      input === 'stdin'
        ? spawnSync('sh', ['-c', `node dist/cli.js ${args.join(' ')} < /dev/zero`], { encoding: 'utf8', timeout: 20_000 })
        : cli([...args], input);
    assert.equal(run.signal, null, 'killed: it read without end');
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /larger than the 32 MB Tally accepts/);
  });
}

test('count --jsonl: null, a list, binary and non-UTF-8 lines are each reported by number; the rest are counted', async () => {
  const lines = [
    Buffer.from('{"id":1,"text":"hello there"}\n'),
    Buffer.from('null\n'),
    Buffer.from([0xff, 0xfe, 0x41, 0x0a]),
    Buffer.from('{"id":2,"text":"nul \\u0000 inside"}\n'),
    Buffer.from('[1,2]\n'),
    Buffer.from('\n'),
    Buffer.from('{"id":3,"text":"general kenobi"}\n'),
  ];
  const run = await runTally(['count', '--model', 'sonnet', '--jsonl'], Buffer.concat(lines));
  assert.equal(run.code, 2);
  assert.deepEqual(
    run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).id),
    [1, 3],
  );
  assert.match(run.stderr, /line 2: expected a JSON object, got null, skipped/);
  assert.match(run.stderr, /line 3: is not valid UTF-8 text, skipped/);
  assert.match(run.stderr, /line 4: "text" looks binary/);
  assert.match(run.stderr, /line 5: expected a JSON object, got \[1,2\]/);
  assert.doesNotMatch(run.stderr, /line 6/);
});

test('--time-scale 1e308 is refused with its range, exit 2', async () => {
  const script = join(dir, 'script.json');
  writeFileSync(script, JSON.stringify({ turns: [{ user: 'hello' }] }));
  const run = await runTally(['chat', '--script', script, '--time-scale', '1e308'], '', { ANTHROPIC_API_KEY: 'sk-test' });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--time-scale expects a number from 0\.001 to 1000000, got "1e308"/);
});

test('report takes --prices like every other command', async () => {
  const prices = join(dir, 'prices.json');
  writeFileSync(prices, '{"models":[{"id":"claude-opus-5-5","maxOutput":0}]}');
  const run = await runTally(['report', '--ledger', join(dir, 'ledger'), '--prices', prices]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /prices\.json: models\[0\] \(claude-opus-5-5\)\.maxOutput: must be positive/);
});

test('a key with a line break is refused without showing any of it, and never leaks through redaction', () => {
  const key = 'sk-ant-api03-SECRETHEAD\nSECRETTAIL0123456789';
  assert.throws(
    () => createMessagesClient({ apiKey: key }),
    (error: unknown) => error instanceof InputError && /line break/.test(error.message) && !/SECRET/.test(error.message),
  );
  const folded = `request failed with key ${key.replace('\n', ' ')}`;
  assert.doesNotMatch(redactKey(folded, key), /SECRET/);
});
