import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import {
  buildLedgerEntry,
  defaultLedgerDir,
  nodeFileSystem,
  openLedger,
  resolveLedgerDir,
  type LedgerEntry,
  type LedgerFileSystem,
} from '../../src/core/ledger/index.js';
import { scanFile, scanFileBackwards } from '../../src/core/ledger/reader.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { scratchDir } from './scratch.js';

const table = bundledPriceTable();
const model = (name: string) => resolveModel(table, name);
const newDir = () => scratchDir('tally-ledger-');
const at = (iso: string) => () => Date.parse(iso);

function entry(overrides: Partial<Parameters<typeof buildLedgerEntry>[1]> = {}): LedgerEntry {
  return buildLedgerEntry(table, {
    startedAt: Date.parse('2026-11-20T10:00:00Z'),
    workspace: { path: '/home/dev/app', name: 'app' },
    source: 'chat',
    conversationId: 'c1',
    model: model('haiku'),
    defaultModel: model('sonnet'),
    routedReasons: ['short question'],
    usage: { input_tokens: 1000, output_tokens: 500 },
    requestId: 'req_1',
    status: 'ok',
    durationMs: 1200,
    ...overrides,
  });
}

test('entries are priced at the rate in force on their day, against the default model uncached', () => {
  const usage = { input_tokens: 100, output_tokens: 0, cache_read_input_tokens: 1_000_000 };
  // claude-sonnet-5-5's cache read went from $0.20 to $0.10 per million on 2026-10-07.
  const before = entry({ startedAt: Date.parse('2026-10-06T23:59:00Z'), model: model('sonnet'), usage });
  const after = entry({ startedAt: Date.parse('2026-10-07T00:01:00Z'), model: model('sonnet'), usage });
  assert.equal(before.usd, 0.2002);
  assert.equal(after.usd, 0.1002);
  // Baseline: all 1,000,100 prompt tokens at Sonnet's $2/M input rate.
  assert.equal(after.baselineUsd, 2.0002);
  assert.equal(after.tier, 'sonnet');
});

test('appends go to one file per UTC month and read back as written', () => {
  const dir = newDir();
  const ledger = openLedger(dir, { now: at('2026-11-30T12:00:00Z') });
  ledger.append(entry({ startedAt: Date.parse('2026-10-31T23:59:59Z') }));
  ledger.append(entry({ startedAt: Date.parse('2026-11-01T00:00:00Z') }));
  ledger.append(entry({ startedAt: Date.parse('2026-11-30T08:00:00Z'), requestId: 'req_last' }));
  assert.deepEqual(
    readdirSync(dir)
      .filter((name) => name.endsWith('.jsonl'))
      .sort(),
    ['2026-10.jsonl', '2026-11.jsonl'],
  );
  const { entries, problems } = ledger.query();
  assert.equal(problems.count, 0);
  assert.deepEqual(
    entries.map((e) => e.ts),
    ['2026-10-31T23:59:59.000Z', '2026-11-01T00:00:00.000Z', '2026-11-30T08:00:00.000Z'],
  );
  assert.deepEqual(entries[2], entry({ startedAt: Date.parse('2026-11-30T08:00:00Z'), requestId: 'req_last' }));
  assert.deepEqual(
    ledger.query({ limit: 1 }).entries.map((e) => e.requestId),
    ['req_last'],
  );
  assert.equal(ledger.query({ since: '2026-11-01', until: '2026-11-29' }).entries.length, 1);
});

test('a malformed entry is refused with the field named, and nothing is written', () => {
  const dir = newDir();
  const ledger = openLedger(dir);
  const bad = { ...entry(), usd: -1 };
  assert.throws(
    () => ledger.append(bad),
    (error: Error) => error instanceof InputError && /usd: must not be negative/.test(error.message),
  );
  assert.throws(() => ledger.append({ ...entry(), status: 'done' as never }), /status: must be one of ok, error, aborted/);
  assert.deepEqual(readdirSync(dir), []);
});

test("today's and this month's spend per workspace, by the injected clock", () => {
  const dir = newDir();
  let now = Date.parse('2026-11-20T23:00:00Z');
  const ledger = openLedger(dir, { now: () => now });
  const other = { path: '/home/dev/other', name: 'other' };
  ledger.append(entry({ startedAt: Date.parse('2026-11-20T09:00:00Z') }));
  ledger.append(entry({ startedAt: Date.parse('2026-11-20T22:00:00Z'), model: model('opus') }));
  ledger.append(entry({ startedAt: Date.parse('2026-11-19T09:00:00Z') }));
  ledger.append(entry({ startedAt: Date.parse('2026-11-20T09:30:00Z'), workspace: other }));
  ledger.append(entry({ startedAt: Date.parse('2026-10-20T09:30:00Z') }));
  const haiku = entry().usd;
  const opus = entry({ model: model('opus') }).usd;

  const app = ledger.spend('/home/dev/app');
  assert.equal(app.date, '2026-11-20');
  assert.equal(app.today.requests, 2);
  assert.equal(app.today.usd, Math.round((haiku + opus) * 1e12) / 1e12);
  assert.equal(app.thisMonth.requests, 3);
  assert.equal(ledger.spend().today.requests, 3);
  assert.equal(ledger.spend('/home/dev/other').thisMonth.requests, 1);

  // Past midnight UTC, "today" starts again; a new month starts from zero.
  now = Date.parse('2026-11-21T00:30:00Z');
  assert.equal(ledger.spend('/home/dev/app').today.requests, 0);
  assert.equal(ledger.spend('/home/dev/app').thisMonth.requests, 3);
  now = Date.parse('2026-12-01T00:30:00Z');
  assert.equal(ledger.spend('/home/dev/app').thisMonth.requests, 0);
});

test('a reader sees entries another ledger (another process) appended since its last read', () => {
  const dir = newDir();
  const clock = at('2026-11-20T12:00:00Z');
  const reader = openLedger(dir, { now: clock });
  const writer = openLedger(dir, { now: clock });
  assert.equal(reader.spend().today.requests, 0);
  writer.append(entry());
  assert.equal(reader.spend().today.requests, 1);
  writer.append(entry());
  writer.append(entry());
  assert.equal(reader.spend().today.requests, 3);
  assert.equal(reader.summarize('day').total.requests, 3);
});

test('savings split into caching and routing and add up to baseline minus cost', () => {
  const dir = newDir();
  const ledger = openLedger(dir, { now: at('2026-11-20T12:00:00Z') });
  const usage = { input_tokens: 200, output_tokens: 1000, cache_read_input_tokens: 50_000, cache_creation_input_tokens: 4000 };
  ledger.append(entry({ model: model('haiku'), usage }));
  ledger.append(entry({ model: model('sonnet'), usage }));
  ledger.append(entry({ model: model('opus'), usage: { input_tokens: 5000, output_tokens: 100 } }));
  const byModel = ledger.summarize('model');
  const row = (id: string) => byModel.rows.find((r) => r.key === id)!;
  // On the default model itself, all savings come from the cache: 50,000 reads at $0.10 instead of $2,
  // minus 4,000 writes at $2.50 instead of $2.
  assert.equal(row('claude-sonnet-5-5').routingSavingsUsd, 0);
  assert.equal(row('claude-sonnet-5-5').cacheSavingsUsd, 0.093);
  // An uncached request on a dearer model: no cache savings, routing cost extra.
  assert.equal(row('claude-opus-5-5').cacheSavingsUsd, 0);
  assert.ok(row('claude-opus-5-5').routingSavingsUsd < 0);
  assert.ok(row('claude-haiku-5-5').routingSavingsUsd > 0);
  for (const [name, r] of [...byModel.rows.map((r) => [r.key, r] as const), ['total', byModel.total] as const]) {
    assert.ok(Math.abs(r.usd + r.cacheSavingsUsd + r.routingSavingsUsd - r.baselineUsd) < 1e-9, name);
  }
});

test('summaries group by day, model, tier and workspace, filtered by workspace and dates', () => {
  const dir = newDir();
  const ledger = openLedger(dir, { now: at('2026-11-30T12:00:00Z') });
  const other = { path: '/home/dev/other', name: 'other' };
  ledger.append(entry({ startedAt: Date.parse('2026-11-02T10:00:00Z'), model: model('opus') }));
  ledger.append(entry({ startedAt: Date.parse('2026-11-01T10:00:00Z') }));
  ledger.append(entry({ startedAt: Date.parse('2026-11-02T11:00:00Z'), workspace: other }));
  ledger.append(entry({ startedAt: Date.parse('2026-10-15T10:00:00Z'), status: 'aborted' }));

  assert.deepEqual(
    ledger.summarize('day').rows.map((r) => [r.key, r.requests]),
    [
      ['2026-10-15', 1],
      ['2026-11-01', 1],
      ['2026-11-02', 2],
    ],
  );
  assert.deepEqual(
    ledger.summarize('tier').rows.map((r) => [r.key, r.requests]),
    [
      ['opus', 1],
      ['haiku', 3],
    ],
  );
  assert.deepEqual(
    ledger.summarize('workspace').rows.map((r) => [r.label, r.requests]),
    [
      ['app', 3],
      ['other', 1],
    ],
  );
  assert.equal(ledger.summarize('day').total.failed, 1);
  const filtered = ledger.summarize('model', { workspace: '/home/dev/app', since: '2026-11-01', until: '2026-11-01' });
  assert.deepEqual(
    filtered.rows.map((r) => [r.key, r.requests]),
    [['claude-haiku-5-5', 1]],
  );
  assert.equal(filtered.total.requests, 1);
});

test('a corrupt line in the middle is skipped and reported by file:line; the lines after it still count', () => {
  const dir = newDir();
  const ledger = openLedger(dir, { now: at('2026-11-20T12:00:00Z') });
  ledger.append(entry());
  const file = join(dir, '2026-11.jsonl');
  appendFileSync(file, 'this is not json\n');
  appendFileSync(file, `${JSON.stringify({ ...entry(), tier: 'huge' })}\n`);
  appendFileSync(file, '{"ts":"2026-11-20T10:00:00.000Z"}\n');
  ledger.append(entry());
  ledger.append(entry());
  const spend = openLedger(dir, { now: at('2026-11-20T12:00:00Z') }).spend();
  assert.equal(spend.today.requests, 3);
  assert.equal(spend.problems.count, 3);
  assert.deepEqual(
    spend.problems.examples.map((p) => [p.file, p.line]),
    [
      [file, 2],
      [file, 3],
      [file, 4],
    ],
  );
  assert.match(spend.problems.examples[0]!.reason, /not valid JSON/);
  assert.match(spend.problems.examples[1]!.reason, /tier: must be one of/);
  assert.equal(spend.problems.examples[2]!.reason, 'workspace: missing');
  assert.equal(ledger.query().entries.length, 3);
});

test('a torn last line (writer killed mid-write) is reported, and the next append does not glue onto it', () => {
  const dir = newDir();
  const ledger = openLedger(dir, { now: at('2026-11-20T12:00:00Z') });
  ledger.append(entry({ requestId: 'a' }));
  ledger.append(entry({ requestId: 'b' }));
  const file = join(dir, '2026-11.jsonl');
  const torn = JSON.stringify(entry({ requestId: 'torn' })).slice(0, 70);
  appendFileSync(file, torn);

  const before = ledger.spend();
  assert.equal(before.today.requests, 2);
  assert.equal(before.problems.count, 1);
  assert.equal(before.problems.examples[0]!.line, 3);
  assert.match(before.problems.examples[0]!.reason, /incomplete last line/);

  ledger.append(entry({ requestId: 'c' }));
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines[2], torn, 'the torn line stays on its own line');
  assert.equal(JSON.parse(lines[3]!).requestId, 'c');
  assert.equal(lines[4], '', 'the file ends with a newline');

  for (const reader of [ledger, openLedger(dir, { now: at('2026-11-20T12:00:00Z'), persistIndex: false })]) {
    const after = reader.spend();
    assert.equal(after.today.requests, 3);
    assert.equal(after.problems.count, 1);
    assert.deepEqual([after.problems.examples[0]!.line, after.problems.examples[0]!.reason], [3, 'not valid JSON']);
  }
  assert.deepEqual(
    ledger.query().entries.map((e) => e.requestId),
    ['a', 'b', 'c'],
  );
});

test('running totals saved beside the ledger give a new process the same figures, and are ignored once stale', () => {
  const dir = newDir();
  const clock = at('2026-11-20T12:00:00Z');
  const writer = openLedger(dir, { now: clock, persistIndex: false });
  for (let i = 0; i < 1200; i++)
    writer.append(
      entry({ startedAt: Date.parse('2026-11-20T10:00:00Z') - (i % 3) * 86_400_000, model: model(i % 2 ? 'haiku' : 'sonnet') }),
    );
  const expected = openLedger(dir, { now: clock, persistIndex: false }).summarize('model');

  openLedger(dir, { now: clock }).spend(); // reads everything and saves its totals
  const indexFile = readdirSync(join(dir, '.index')).find((name) => /^2026-11\.\w+\.json$/.test(name));
  assert.ok(indexFile, 'index saved');
  writer.append(entry());
  let bytesRead = 0;
  const countingFs: LedgerFileSystem = {
    ...nodeFileSystem,
    read: (file, position, length) => {
      const bytes = nodeFileSystem.read(file, position, length);
      bytesRead += bytes.length;
      return bytes;
    },
  };
  const fresh = openLedger(dir, { now: clock, fs: countingFs });
  const model1201 = fresh.summarize('model');
  // It parsed the one new line (plus small samples that check the index still matches), not 1,201 lines.
  assert.ok(bytesRead < 10 * JSON.stringify(entry()).length, `read ${bytesRead} bytes`);
  assert.equal(model1201.total.requests, 1201);
  assert.deepEqual(
    model1201.rows.map((r) => [r.key, r.requests]),
    expected.rows.map((r) => [r.key, r.requests + (r.key === 'claude-haiku-5-5' ? 1 : 0)]),
  );

  // The ledger replaced by another file (a restored backup) at least as long: the saved totals no longer match it.
  const file = join(dir, '2026-11.jsonl');
  const size = readFileSync(file).length;
  let replacement = '';
  while (replacement.length < size) replacement += `${JSON.stringify(entry({ model: model('opus'), conversationId: 'restored' }))}\n`;
  writeFileSync(file, replacement);
  const replaced = openLedger(dir, { now: clock }).summarize('model');
  assert.deepEqual(
    replaced.rows.map((r) => [r.key, r.requests]),
    [['claude-opus-5-5', replacement.split('\n').length - 1]],
  );

  // A corrupt index file is ignored, not trusted.
  writeFileSync(join(dir, '.index', indexFile), '{"version":3,');
  assert.equal(openLedger(dir, { now: clock }).spend().thisMonth.requests, replacement.split('\n').length - 1);
});

test('saved totals are rebuilt when the ledger was edited in place (same size, new time) or the totals cannot be right', () => {
  const dir = newDir();
  const clock = at('2026-11-20T12:00:00Z');
  const writer = openLedger(dir, { now: clock, persistIndex: false });
  for (let i = 0; i < 600; i++) writer.append(entry({ requestId: `r${i}` }));
  const before = openLedger(dir, { now: clock }).spend(); // saves its totals
  const indexFile = readdirSync(join(dir, '.index')).find((name) => name.startsWith('2026-11.'))!;
  const file = join(dir, '2026-11.jsonl');

  // Double one entry's output tokens by editing a digit in the middle of the file: same size.
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const target = 300;
  const edited = lines[target]!.replace(/"output_tokens":(\d)/, (_m, d: string) => `"output_tokens":${(Number(d) + 1) % 10}`);
  assert.notEqual(edited, lines[target]);
  lines[target] = edited;
  writeFileSync(file, lines.join('\n'));
  utimesSync(file, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));
  const after = openLedger(dir, { now: clock }).spend();
  const truth = openLedger(dir, { now: clock, persistIndex: false }).spend();
  assert.equal(after.today.outputTokens, truth.today.outputTokens, 'the edit is seen');
  assert.notEqual(after.today.outputTokens, before.today.outputTokens);

  // Saved figures no reader could have produced (more requests than lines) are not trusted.
  openLedger(dir, { now: clock }).spend();
  const saved = JSON.parse(readFileSync(join(dir, '.index', indexFile), 'utf8')) as { buckets: { totals: number[] }[] };
  saved.buckets[0]!.totals[0] = 1_000_000;
  writeFileSync(join(dir, '.index', indexFile), JSON.stringify(saved));
  assert.equal(openLedger(dir, { now: clock }).spend().today.requests, 600);
});

test('the default ledger directory follows each platform, shared by the CLI and the extension', () => {
  assert.equal(defaultLedgerDir({}, '/home/ana', 'linux'), '/home/ana/.local/share/tally/ledger');
  assert.equal(defaultLedgerDir({ XDG_DATA_HOME: '/data/ana' }, '/home/ana', 'linux'), '/data/ana/tally/ledger');
  assert.equal(defaultLedgerDir({ XDG_DATA_HOME: 'relative/dir' }, '/home/ana', 'linux'), '/home/ana/.local/share/tally/ledger');
  assert.equal(defaultLedgerDir({}, '/Users/ana', 'darwin'), '/Users/ana/Library/Application Support/Tally/ledger');
  assert.equal(
    defaultLedgerDir({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana', 'win32'),
    'C:\\Users\\ana\\AppData\\Roaming\\Tally\\ledger',
  );
  assert.equal(resolveLedgerDir('/flag', { TALLY_LEDGER_DIR: '/env' }, '/home/ana', 'linux'), '/flag');
  assert.equal(resolveLedgerDir(undefined, { TALLY_LEDGER_DIR: '/env' }, '/home/ana', 'linux'), '/env');
  assert.equal(resolveLedgerDir(undefined, {}, '/home/ana', 'linux'), '/home/ana/.local/share/tally/ledger');
});

test('reading in chunks of any size, forwards or backwards for the most recent entries, finds the same entries and problems', () => {
  const dir = newDir();
  const ledger = openLedger(dir, { now: at('2026-11-20T12:00:00Z') });
  const file = join(dir, '2026-11.jsonl');
  for (let i = 0; i < 40; i++) {
    ledger.append(entry({ requestId: `r${i}`, routedReasons: ['x'.repeat((i * 37) % 300)] }));
    if (i === 5) appendFileSync(file, 'garbage\n');
    if (i === 20) appendFileSync(file, '\n\n');
    if (i === 33) appendFileSync(file, '{"ts":"2026-11-20T10:00:00.000Z"}\n');
  }
  appendFileSync(file, '{"ts":"2026-11-20T11:00');
  const forwardEntries: string[] = [];
  const forwardProblems: string[] = [];
  const result = scanFile(
    nodeFileSystem,
    file,
    { offset: 0, lines: 0 },
    (e) => void forwardEntries.push(e.requestId!),
    (p) => void forwardProblems.push(`${p.line}: ${p.reason}`),
  );
  forwardProblems.push(`${result.torn!.line}: ${result.torn!.reason}`);
  assert.equal(forwardEntries.length, 40);
  assert.equal(forwardProblems.length, 3);
  // Chunk sizes smaller than a line, around a line, and larger than the file.
  for (const chunk of [5, 64, 333, 1 << 20]) {
    const forward: string[] = [];
    scanFile(
      nodeFileSystem,
      file,
      { offset: 0, lines: 0 },
      (e) => void forward.push(e.requestId!),
      () => {},
      chunk,
    );
    assert.deepEqual(forward, forwardEntries, `forwards, chunk ${chunk}`);
    const backwards: string[] = [];
    const problems: string[] = [];
    scanFileBackwards(
      nodeFileSystem,
      file,
      (e) => backwards.push(e.requestId!) > 0,
      (p) => void problems.push(`${p.line}: ${p.reason}`),
      chunk,
    );
    assert.deepEqual(backwards.reverse(), forwardEntries, `chunk ${chunk}`);
    assert.deepEqual(problems, forwardProblems, `chunk ${chunk}`);
    const firstFive: string[] = [];
    scanFileBackwards(
      nodeFileSystem,
      file,
      (e) => firstFive.push(e.requestId!) < 5,
      () => {},
      chunk,
    );
    assert.deepEqual(firstFive, ['r39', 'r38', 'r37', 'r36', 'r35']);
  }
  assert.deepEqual(
    ledger.query({ limit: 3 }).entries.map((e) => e.requestId),
    ['r37', 'r38', 'r39'],
  );
});

test('a Windows workspace is the same workspace whichever case its drive letter is written in', () => {
  const ledger = openLedger(newDir(), { now: at('2026-11-20T12:00:00Z') });
  ledger.append(entry({ workspace: { path: 'C:\\Users\\ana\\app', name: 'app' } })); // a shell's path.resolve
  ledger.append(entry({ workspace: { path: 'c:\\Users\\ana\\app', name: 'app' } })); // VS Code's fsPath
  assert.equal(ledger.spend('c:\\Users\\ana\\app').today.requests, 2);
  assert.equal(ledger.summarize('workspace').rows.length, 1);
  assert.equal(ledger.query({ workspace: 'C:\\Users\\ana\\app' }).entries.length, 2);
});

test('spend by client: the program where known, else the source; the same from saved running totals', () => {
  const dir = newDir();
  const clock = at('2026-11-20T12:00:00Z');
  const writer = openLedger(dir, { now: clock, persistIndex: false });
  for (let i = 0; i < 600; i++)
    writer.append(entry({ client: i % 3 === 0 ? 'claude-code' : i % 3 === 1 ? 'tally' : null, source: i % 3 === 0 ? 'gateway' : 'chat' }));
  const direct = openLedger(dir, { now: clock, persistIndex: false }).summarize('client');
  assert.deepEqual(
    direct.rows.map((r) => [r.key, r.requests]),
    [
      ['chat', 200],
      ['claude-code', 200],
      ['tally', 200],
    ],
  );
  openLedger(dir, { now: clock }).spend(); // saves its running totals
  assert.ok(readdirSync(join(dir, '.index')).length > 0, 'index saved');
  const fromIndex = openLedger(dir, { now: clock }).summarize('client', { since: '2026-11-01' });
  assert.deepEqual(fromIndex.rows, direct.rows);
});
