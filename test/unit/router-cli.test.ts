import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runTally } from './cliHarness.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-route-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test('tally route prints a readable decision with its reasons', async () => {
  const { code, stdout } = await runTally(['route'], 'convert this INI to TOML:\n\n[server]\nport = 8080');
  assert.equal(code, 0);
  assert.match(stdout, /tier\s+haiku → claude-haiku-5-5/);
  assert.match(stdout, /why\n\s+- asks to convert/);
});

test('tally route --json gives the whole decision', async () => {
  const { code, stdout } = await runTally(['route', '--json', file('p.txt', 'Is this SPSC ring buffer sound with relaxed orderings?')]);
  assert.equal(code, 0);
  const decision = JSON.parse(stdout);
  assert.equal(decision.tier, 'opus');
  assert.equal(decision.model, 'claude-opus-5-5');
  assert.ok(decision.maxTokens > 0 && decision.reasons.length > 0);
});

test('tally route --jsonl writes one line per prompt and reports bad lines by number', async () => {
  const input = [
    '{"id":"a","prompt":"regex for a US zip code"}',
    'not json',
    '',
    '{"id":"b"}',
    '{"id":7,"prompt":"Design a multi-region ledger for payouts"}',
  ].join('\n');
  const { code, stdout, stderr } = await runTally(['route', '--jsonl'], input);
  assert.equal(code, 2, 'bad lines make the exit code non-zero');
  const lines = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    lines.map((l) => [l.id, l.tier, l.model]),
    [
      ['a', 'haiku', 'claude-haiku-5-5'],
      [7, 'opus', 'claude-opus-5-5'],
    ],
  );
  for (const line of lines) {
    assert.deepEqual(Object.keys(line), ['id', 'tier', 'model', 'score', 'reasons']);
    assert.ok(line.reasons.length > 0);
  }
  assert.match(stderr, /line 2: not valid JSON/);
  assert.match(stderr, /line 4: missing "prompt"/);
});

test('tally route --config applies rules and the allow-list; bad config files are one clear line', async () => {
  const config = file(
    'router.json',
    JSON.stringify({ allowList: ['claude-sonnet-5-5', 'claude-opus-5-5'], rules: [{ keyword: 'ledger', tier: 'opus' }] }),
  );
  const easy = await runTally(['route', '--json', '--config', config], 'regex for a US zip code');
  assert.equal(JSON.parse(easy.stdout).model, 'claude-sonnet-5-5');
  const ruled = await runTally(['route', '--json', '--config', config], 'name for the ledger table?');
  assert.equal(JSON.parse(ruled.stdout).ruleApplied, 'ledger');
  const bad = await runTally(['route', '--config', file('bad.json', '{"rules":[{"pattern":"(","tier":"opus"}]}')], 'hi');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^tally route: .*bad\.json: rules\[0\]\.pattern: not a valid regular expression/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const missing = await runTally(['route', '--config', join(dir, 'nope.json')], 'hi');
  assert.match(missing.stderr, /nope\.json: no such file/);
});

test('tally estimate recommends a model: in --json and as a marked table row', async () => {
  const json = await runTally(['estimate', '--json'], 'pretty-print this JSON: {"a":1,"b":[1,2]}');
  assert.equal(json.code, 0);
  const { recommendation } = JSON.parse(json.stdout);
  assert.equal(recommendation.tier, 'haiku');
  assert.equal(recommendation.model, 'claude-haiku-5-5');
  assert.ok(recommendation.reasons.length > 0);
  const table = await runTally(['estimate'], 'Design a multi-region payments ledger');
  assert.match(table.stdout, /^→ claude-opus-5-5 /m);
  assert.doesNotMatch(table.stdout, /^→ claude-haiku-5-5 /m);
});
