import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell } from '../../src/core/csv.js';
import { runTally } from './cliHarness.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';

test('CSV cells defuse spreadsheet formulas in text but keep negative numbers numeric', () => {
  assert.equal(csvCell('=cmd|calc'), "'=cmd|calc");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell(-1.5), '-1.5');
  assert.equal(csvCell('a,"b"'), '"a,""b"""');
});

test('tally report --csv defuses a workspace name that looks like a formula', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-csv-'));
  const table = bundledPriceTable();
  openLedger(dir).append(
    buildLedgerEntry(table, {
      startedAt: Date.parse('2026-11-02T10:00:00Z'),
      workspace: { path: '/work/=HYPERLINK("http://evil")', name: '=HYPERLINK("http://evil")' },
      source: 'cli',
      model: resolveModel(table, 'opus'),
      defaultModel: resolveModel(table, 'sonnet'),
      usage: { input_tokens: 0, output_tokens: 100_000 },
      status: 'ok',
      durationMs: 10,
    }),
  );
  const { code, stdout } = await runTally(['report', '--ledger', dir, '--by', 'workspace', '--csv']);
  assert.equal(code, 0);
  const row = stdout.split('\n')[1]!;
  assert.ok(row.includes(`"'=HYPERLINK(""http://evil"")"`), row);
  assert.match(row, /,-1$/, 'routing cost more than the default model: a negative number, not text');
});
