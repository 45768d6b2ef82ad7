import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { runTally } from './cliHarness.js';
import { scratchDir } from './scratch.js';

const table = bundledPriceTable();
const app = { path: join(tmpdir(), 'app'), name: 'app' };
const lib = { path: join(tmpdir(), 'lib, "v2"'), name: 'lib' };

function makeLedger(): string {
  const dir = scratchDir('tally-report-');
  const ledger = openLedger(dir);
  const add = (day: string, workspace: typeof app, model: string, usage: object, status: 'ok' | 'aborted' = 'ok') =>
    ledger.append(
      buildLedgerEntry(table, {
        startedAt: Date.parse(`${day}T10:00:00Z`),
        workspace,
        source: 'chat',
        model: resolveModel(table, model),
        defaultModel: resolveModel(table, 'sonnet'),
        usage: { input_tokens: 0, output_tokens: 0, ...usage },
        status,
        durationMs: 900,
      }),
    );
  add('2026-11-01', app, 'sonnet', { input_tokens: 1_000_000 }); // $2.00
  add('2026-11-01', app, 'haiku', { input_tokens: 100_000 }); // $0.01, routing saved $0.19
  add('2026-11-02', app, 'sonnet', { cache_read_input_tokens: 1_000_000 }); // $0.10, cache saved $1.90
  add('2026-11-03', lib, 'opus', { output_tokens: 100_000 }, 'aborted'); // $2.00
  add('2026-10-31', lib, 'haiku', { output_tokens: 1_000_000 }); // $0.50
  return dir;
}

test('report by day: a readable table with requests, tokens, USD, savings and a totals row', async () => {
  const dir = makeLedger();
  const { code, stdout, stderr } = await runTally(['report', '--ledger', dir]);
  assert.equal(code, 0);
  assert.equal(stderr, '');
  const lines = stdout.split('\n');
  assert.match(lines[0]!, /^day\s+requests\s+input\s+cache write\s+cache read\s+output\s+USD\s+cache saved\s+routing saved$/);
  assert.match(
    lines.find((l) => l.startsWith('2026-11-01'))!,
    /^2026-11-01\s+2\s+1\.1M\s+0\s+0\s+0\s+\$2\.01\s+\$0\.00\s+\$0\.19$/,
  );
  assert.match(
    lines.find((l) => l.startsWith('2026-11-02'))!,
    /\$0\.10\s+\$1\.90\s+\$0\.00$/,
  );
  assert.match(
    lines.find((l) => l.startsWith('total'))!,
    /^total\s+5\s+.*\$4\.61\s+\$1\.90\s+\$8\.69$/,
  );
  assert.match(stdout, /1 of 5 requests failed or were cancelled/);
});

test('report --json groups by model and filters by workspace and dates', async () => {
  const dir = makeLedger();
  const { code, stdout } = await runTally([
    'report',
    '--ledger',
    dir,
    '--by',
    'model',
    '--workspace',
    app.path,
    '--since',
    '2026-11-01',
    '--until',
    '2026-11-01',
    '--json',
  ]);
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.deepEqual(
    report.rows.map((r: { key: string; usd: number }) => [r.key, r.usd]),
    [
      ['claude-sonnet-5-5', 2],
      ['claude-haiku-5-5', 0.01],
    ],
  );
  assert.equal(report.total.requests, 2);
  assert.equal(report.total.routingSavingsUsd, 0.19);
  assert.deepEqual(report.filter, { workspace: app.path, since: '2026-11-01', until: '2026-11-01' });
});

test('report --csv quotes workspace paths that need it, with a total row', async () => {
  const dir = makeLedger();
  const { code, stdout } = await runTally(['report', '--ledger', dir, '--by', 'workspace', '--csv']);
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split('\n');
  assert.equal(
    lines[0],
    'workspace,label,requests,failed,inputTokens,cacheWriteTokens,cacheReadTokens,outputTokens,usd,baselineUsd,cacheSavingsUsd,routingSavingsUsd',
  );
  assert.ok(lines.includes(`"${lib.path.replace(/"/g, '""')}",lib,2,1,0,0,0,1100000,2.5,11,0,8.5`), stdout);
  assert.match(lines.at(-1)!, /^total,,5,1,/);
});

test('the ledger directory comes from TALLY_LEDGER_DIR when --ledger is not given', async () => {
  const dir = makeLedger();
  const { stdout } = await runTally(['report', '--by', 'tier', '--json'], '', { TALLY_LEDGER_DIR: dir });
  assert.equal(JSON.parse(stdout).total.requests, 5);
});

test('skipped corrupt and torn lines are reported on stderr with file:line, and the rest is still counted', async () => {
  const dir = makeLedger();
  const file = join(dir, '2026-11.jsonl');
  appendFileSync(file, '{"ts": "2026-11-04T\n');
  appendFileSync(file, '{"ts":"2026-11-05T10:00:00.000Z","workspace"');
  const { code, stdout, stderr } = await runTally(['report', '--ledger', dir, '--json']);
  assert.equal(code, 0);
  assert.equal(JSON.parse(stdout).total.requests, 5);
  assert.equal(
    stderr,
    `tally report: skipped 2 unreadable ledger lines: ${file}:5: not valid JSON; ${file}:6: incomplete last line (44 bytes without a newline; a writer was probably interrupted)\n`,
  );
});

test('an empty ledger says so and how it fills', async () => {
  const dir = scratchDir('tally-report-empty-');
  const { code, stdout } = await runTally(['report', '--ledger', dir]);
  assert.equal(code, 0);
  assert.match(stdout, /^No requests recorded in .*tally chat/);
});

test('bad flags get one clear line and exit code 2', async () => {
  const cases: [string[], RegExp][] = [
    [['--by', 'week'], /--by expects one of day, model, tier, workspace, client, got "week"/],
    [['--since', '2026-02-30'], /--since expects a calendar date as YYYY-MM-DD, got "2026-02-30"/],
    [['--since', '2026-11-05', '--until', '2026-11-01'], /--since 2026-11-05 is after --until 2026-11-01/],
    [['--json', '--csv'], /choose one of --json and --csv/],
  ];
  const notADirectory = join(makeLedger(), '2026-11.jsonl');
  cases.push([['--ledger', notADirectory], new RegExp(`ledger directory ${notADirectory.replace(/[.]/g, '\\.')} is not a directory`)]);
  for (const [args, message] of cases) {
    const { code, stderr } = await runTally(['report', '--ledger', tmpdir(), ...args]);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, message);
  }
});
