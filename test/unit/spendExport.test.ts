import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CSV_COLUMNS, exportFolder, toCsv, toJson } from '../../src/extension/spend/exportFormats.js';
import { csvCell } from '../../src/core/csv.js';
import { readWorkspaceEntries, spendRows } from '../../src/extension/spend/spendHistory.js';
import { table, testLedger, WORKSPACE } from './spendTestLedger.js';

/** A small RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

test('CSV cells quote commas, quotes and line breaks, and defuse spreadsheet formulas', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell(-0.5), '-0.5', 'negative numbers stay numbers');
  assert.equal(csvCell(null), '');
});

test('a CSV export has one row per request of this workspace and round-trips through a CSV reader', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  const awkward = { path: '/home/dev/a,"b"', name: 'a,"b"\nc' };
  l.record('2026-11-19T09:00:00Z', 'sonnet', { input_tokens: 1000, output_tokens: 200 }, { workspace: awkward });
  l.record(
    '2026-11-20T09:00:00Z',
    'haiku',
    { input_tokens: 1000, output_tokens: 200, cache_read_input_tokens: 5000 },
    { workspace: awkward, status: 'aborted' },
  );
  l.record('2026-11-20T10:00:00Z', 'opus', { input_tokens: 1000, output_tokens: 200 }, { workspace: WORKSPACE });
  const { entries } = readWorkspaceEntries(l.ledger, awkward.path);
  const rows = parseCsv(toCsv(spendRows(entries, table)));
  assert.deepEqual(rows[0], [...CSV_COLUMNS]);
  assert.equal(rows.length, 3);
  const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
  assert.equal(rows[1]![col('workspace')], 'a,"b"\nc');
  assert.equal(rows[1]![col('model')], 'claude-sonnet-5-5');
  assert.equal(Number(rows[1]![col('usd')]), 0.004);
  assert.equal(rows[2]![col('status')], 'aborted');
  assert.equal(Number(rows[2]![col('cacheReadTokens')]), 5000);
  // Savings add up: usd + cache + routing = baseline.
  const sum = ['usd', 'cacheSavedUsd', 'routingSavedUsd'].reduce((s, c) => s + Number(rows[2]![col(c as (typeof CSV_COLUMNS)[number])]), 0);
  assert.ok(Math.abs(sum - Number(rows[2]![col('baselineUsd')])) < 1e-9);
});

test('a JSON export names the workspace and keeps every request field', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-11-20T09:00:00Z', 'haiku', { input_tokens: 1000, output_tokens: 200 });
  const { entries } = readWorkspaceEntries(l.ledger, WORKSPACE.path);
  const doc = JSON.parse(toJson(spendRows(entries, table), WORKSPACE, '2026-11-20T15:00:00.000Z')) as {
    workspace: unknown;
    entries: Array<Record<string, unknown>>;
  };
  assert.deepEqual(doc.workspace, WORKSPACE);
  assert.equal(doc.entries.length, 1);
  assert.equal(doc.entries[0]!['model'], 'claude-haiku-5-5');
  assert.equal(doc.entries[0]!['requestId'], 'req_2026-11-20T09:00:00Z');
  assert.equal(doc.entries[0]!['outputTokens'], 200);
});

test('an empty workspace exports just the header', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  const { entries } = readWorkspaceEntries(l.ledger, WORKSPACE.path);
  assert.equal(toCsv(spendRows(entries, table)), CSV_COLUMNS.join(',') + '\r\n');
});

test('CSV amounts carry no floating-point noise: a saving of -0.00974 is written as -0.00974', () => {
  const row = {
    ts: '2026-11-20T10:00:00.000Z',
    time: Date.parse('2026-11-20T10:00:00.000Z'),
    workspacePath: '/w',
    workspaceName: 'w',
    source: 'chat',
    conversationId: '',
    model: 'claude-opus-5-5',
    tier: 'opus',
    inputTokens: 10,
    outputTokens: 10,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    usd: 0.1 + 0.2,
    baselineUsd: 0.29026,
    cacheSavedUsd: 0,
    routingSavedUsd: -0.009740000000000002,
    requestId: '',
    status: 'ok',
    durationMs: null,
  };
  const [, cells] = parseCsv(toCsv([row]));
  const at = (column: (typeof CSV_COLUMNS)[number]) => cells![CSV_COLUMNS.indexOf(column)];
  assert.equal(at('usd'), '0.3');
  assert.equal(at('routingSavedUsd'), '-0.00974');
});

test('an export is proposed outside the repository: Downloads when there is one, else home', () => {
  const home = mkdtempSync(join(tmpdir(), 'tally-home-'));
  try {
    assert.equal(exportFolder(home), home);
    mkdirSync(join(home, 'Downloads'));
    assert.equal(exportFolder(home), join(home, 'Downloads'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
