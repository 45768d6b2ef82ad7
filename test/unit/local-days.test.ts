// Issue 11: days are the user's local days (tally.timeZone / TALLY_TIME_ZONE, default the system's),
// while ledger timestamps stay UTC. In New York, 23:30 on 1 December and 00:30 on 2 December are the
// same UTC day (04:30Z and 05:30Z on the 2nd) but two local days.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openBudgetGuard } from '../../src/core/budget/index.js';
import { dayIn } from '../../src/core/dates.js';
import { formatUsd } from '../../src/core/format.js';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { statusText } from '../../src/extension/spend/statusBarText.js';
import { runTally } from './cliHarness.js';
import { scratchDir } from './scratch.js';

const ZONE = 'America/New_York';
const table = bundledPriceTable();
const sonnet = resolveModel(table, 'sonnet');
const workspace = { path: '/work/site', name: 'site' };
const lateEvening = Date.parse('2026-12-02T04:30:00Z'); // 23:30 on 1 December in New York
const afterMidnight = Date.parse('2026-12-02T05:30:00Z'); // 00:30 on 2 December
const oneAm = Date.parse('2026-12-02T06:00:00Z');

function seeded(dir: string) {
  const writer = openLedger(dir, { timeZone: ZONE, persistIndex: false });
  for (const [startedAt, output] of [
    [lateEvening, 40_000],
    [afterMidnight, 10_000],
  ] as const) {
    writer.append(
      buildLedgerEntry(table, {
        startedAt,
        workspace,
        source: 'cli',
        model: sonnet,
        defaultModel: sonnet,
        usage: { input_tokens: 100, output_tokens: output },
        status: 'ok',
        durationMs: 1000,
      }),
    );
  }
  return writer.query().entries.map((entry) => entry.usd) as [number, number];
}

test('23:30 and 00:30 local time are two days; the same moments in UTC would be one', () => {
  assert.equal(dayIn(lateEvening, ZONE), '2026-12-01');
  assert.equal(dayIn(afterMidnight, ZONE), '2026-12-02');
  assert.equal(dayIn(lateEvening, 'UTC'), dayIn(afterMidnight, 'UTC'));
});

test('the status bar shows only the new local day as today, and the month holds both', () => {
  const dir = scratchDir('local-days-');
  const [evening, night] = seeded(dir);
  const spend = openLedger(dir, { timeZone: ZONE, now: () => oneAm }).spend(workspace.path);
  assert.equal(spend.date, '2026-12-02');
  assert.equal(spend.today.usd, night);
  assert.equal(spend.today.requests, 1);
  assert.ok(Math.abs(spend.thisMonth.usd - (evening + night)) < 1e-12);
  assert.equal(statusText(spend), `$(graph) ${formatUsd(night)} today`);
  // Counted by UTC days, both requests would be today's.
  assert.equal(openLedger(dir, { timeZone: 'UTC', now: () => oneAm, persistIndex: false }).spend(workspace.path).today.requests, 2);
});

test('tally report --by day lists the two local days', async () => {
  const dir = scratchDir('local-days-');
  const [evening, night] = seeded(dir);
  const run = await runTally(['report', '--ledger', join(dir), '--by', 'day', '--json'], '', { TALLY_TIME_ZONE: ZONE });
  assert.equal(run.code, 0, run.stderr);
  const rows = (JSON.parse(run.stdout) as { rows: { key: string; usd: number }[] }).rows;
  assert.deepEqual(
    rows.map((row) => [row.key, row.usd]),
    [
      ['2026-12-01', evening],
      ['2026-12-02', night],
    ],
  );
  const bad = await runTally(['report', '--ledger', dir], '', { TALLY_TIME_ZONE: 'Mars/Olympus' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /TALLY_TIME_ZONE "Mars\/Olympus" is not a time zone/);
});

test("a daily budget counts the local day: yesterday evening's spend does not use today's budget", () => {
  const dir = scratchDir('local-days-');
  const [evening, night] = seeded(dir);
  const ledger = openLedger(dir, { timeZone: ZONE, now: () => oneAm });
  const guard = openBudgetGuard(dir, ledger, { now: () => oneAm });
  const budget = { dailyUsd: night + 0.05, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null };
  assert.ok(evening > 0.05, 'yesterday evening alone would pass this budget');
  const worst = { inputUsd: 0.001, outputUsdPerToken: 0.00001, maxTokens: 1000, estimateUsd: 0.005 };
  const hold = guard.hold({ workspace: workspace.path, budget, worst });
  assert.equal(hold.granted, true, 'today (local) has room');
  if (hold.granted) hold.release();
  const utc = openLedger(dir, { timeZone: 'UTC', now: () => oneAm, persistIndex: false });
  const utcHold = openBudgetGuard(dir, utc, { now: () => oneAm }).hold({ workspace: workspace.path, budget, worst });
  assert.equal(utcHold.granted, false, 'counted by UTC days the same request would be refused');
});
