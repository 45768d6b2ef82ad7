import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDashboardData } from '../../src/extension/spend/dashboardData.js';
import { readSpendHistory } from '../../src/extension/spend/spendHistory.js';
import { axisUsd, isEmpty, modelColours, monthProgress, rangeView, savingStat } from '../../src/webview/dashboard/chartData.js';
import { DashboardDataSchema, parseFromDashboard, parseToDashboard } from '../../src/protocol/dashboard.js';
import * as v from 'valibot';
import { OTHER_WORKSPACE, table, testLedger, WORKSPACE } from './spendTestLedger.js';

const budget = { dailyUsd: null, monthlyUsd: 30, warnAt: 0.8 };

function dashboardFor(l: ReturnType<typeof testLedger>, historyDays = 90) {
  const history = readSpendHistory(l.ledger, WORKSPACE.path, { nowMs: l.now.ms, historyDays, recentLimit: 50, priceTable: table });
  return buildDashboardData(history, { workspaceName: WORKSPACE.name, budget, historyDays });
}

test('an empty ledger gives an empty dashboard with zero totals, which the webview shows as its empty state', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  const data = dashboardFor(l);
  assert.ok(isEmpty(data));
  assert.equal(data.days.length, 90);
  assert.equal(data.days.at(-1), '2026-11-20');
  assert.deepEqual(data.dailyByModel, []);
  assert.equal(data.budget.monthUsd, 0);
  assert.equal(data.budget.forecastMonthUsd, 0);
  assert.equal(rangeView(data, 30).usd, 0);
  assert.ok(v.safeParse(DashboardDataSchema, data).success, 'the snapshot passes the protocol schema');
});

test('a recorded request is charted on its day, under its model and tier, and listed as the newest request', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-11-20T14:00:00Z', 'haiku', { input_tokens: 2000, output_tokens: 500, cache_read_input_tokens: 10000 });
  const data = dashboardFor(l);
  assert.equal(isEmpty(data), false);
  const today = data.days.length - 1;
  assert.deepEqual(
    data.dailyByModel.map((s) => [s.key, s.tier]),
    [['claude-haiku-5-5', 'haiku']],
  );
  assert.ok(data.dailyByModel[0]!.usd[today]! > 0);
  assert.deepEqual(
    data.dailyByTier.map((s) => s.key),
    ['haiku'],
  );
  assert.equal(data.requestsByDay[today], 1);
  assert.equal(data.recent.length, 1);
  assert.equal(data.recent[0]!.model, 'claude-haiku-5-5');
  assert.equal(data.recent[0]!.inputTokens, 12000);
  assert.equal(data.recent[0]!.cacheReadTokens, 10000);
  // Routed to haiku instead of the sonnet default and read from cache: both savings are positive,
  // and cost + savings add up to the baseline.
  assert.ok(data.cacheSavedByDay[today]! > 0);
  assert.ok(data.routingSavedByDay[today]! > 0);
  assert.equal(data.budget.todayUsd, data.recent[0]!.usd);
});

test('daily spend stacks by model, largest first, and leaves other workspaces out', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-11-19T09:00:00Z', 'sonnet', { input_tokens: 100_000, output_tokens: 2000 });
  l.record('2026-11-19T10:00:00Z', 'haiku', { input_tokens: 1000, output_tokens: 100 });
  l.record('2026-11-20T10:00:00Z', 'sonnet', { input_tokens: 50_000, output_tokens: 1000 });
  l.record('2026-11-20T11:00:00Z', 'opus', { input_tokens: 900_000, output_tokens: 1000 }, { workspace: OTHER_WORKSPACE });
  const data = dashboardFor(l);
  assert.deepEqual(
    data.dailyByModel.map((s) => s.key),
    ['claude-sonnet-5-5', 'claude-haiku-5-5'],
  );
  const yesterday = data.days.indexOf('2026-11-19');
  const today = data.days.indexOf('2026-11-20');
  const [sonnet, haiku] = data.dailyByModel;
  assert.equal(sonnet!.usd[yesterday], 0.22); // 100k × $2/M + 2k × $10/M
  assert.equal(sonnet!.usd[today], 0.11);
  assert.equal(haiku!.usd[yesterday], 0.00015);
  assert.equal(haiku!.usd[today], 0);
  assert.equal(data.requestsByDay[yesterday], 2);
  assert.equal(data.recent.length, 3, 'the other workspace’s request is not listed');
  assert.deepEqual(
    data.recent.map((r) => r.ts),
    ['2026-11-20T10:00:00.000Z', '2026-11-19T10:00:00.000Z', '2026-11-19T09:00:00.000Z'],
  );
  assert.equal(data.budget.monthUsd, 0.33015);
});

test('the range view keeps the chosen days and sums them', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-10-01T09:00:00Z', 'sonnet', { input_tokens: 100_000, output_tokens: 0 });
  l.record('2026-11-19T09:00:00Z', 'sonnet', { input_tokens: 50_000, output_tokens: 0 });
  const data = dashboardFor(l);
  const week = rangeView(data, 7);
  assert.equal(week.days.length, 7);
  assert.equal(week.usd, 0.1);
  assert.equal(week.requests, 1);
  const quarter = rangeView(data, 90);
  assert.ok(Math.abs(quarter.usd - 0.3) < 1e-9);
  assert.equal(quarter.requests, 2);
  assert.equal(quarter.byTier[0]!.tier, 'sonnet');
});

test('month progress runs the cumulative spend to today, then a straight forecast to month end', (t) => {
  const l = testLedger('2026-11-10T12:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-11-02T09:00:00Z', 'sonnet', { input_tokens: 1_000_000, output_tokens: 0 }); // $2
  l.record('2026-11-10T09:00:00Z', 'sonnet', { input_tokens: 500_000, output_tokens: 0 }); // $1
  l.record('2026-10-31T09:00:00Z', 'sonnet', { input_tokens: 500_000, output_tokens: 0 }); // last month: not counted
  const data = dashboardFor(l);
  const progress = monthProgress(data);
  assert.equal(progress.days.length, 30);
  assert.deepEqual(progress.actual.slice(0, 3), [0, 2, 2]);
  assert.equal(progress.actual[9], 3);
  assert.equal(progress.actual[10], null);
  assert.equal(progress.forecast[8], null);
  assert.equal(progress.forecast[9], 3);
  // $3 over 9.5 days, 20.5 days to go.
  assert.ok(Math.abs(progress.forecast[29]! - (3 + (3 / 9.5) * 20.5)) < 1e-9);
  assert.ok(Math.abs(data.budget.forecastMonthUsd - progress.forecast[29]!) < 1e-9);
  assert.deepEqual(new Set(progress.budget), new Set([30]));
});

test('the protocol rejects malformed messages on both sides', () => {
  assert.equal(parseFromDashboard({ type: 'export', format: 'xlsx' }), undefined);
  assert.equal(parseFromDashboard({ type: 'runCommand', command: 'workbench.action.terminal.new' }), undefined);
  assert.deepEqual(parseFromDashboard({ type: 'export', format: 'csv' }), { type: 'export', format: 'csv' });
  assert.equal(parseToDashboard({ type: 'data', data: { workspaceName: 'x' } }), undefined);
  assert.equal(parseToDashboard('hello'), undefined);
});

test('chart axes label dollars in cents, and sub-cent steps with one significant digit', () => {
  assert.deepEqual(
    [0, 0.5, 4.5, 0.005, -1.03, 0.0005, 0.001, 0.0012].map((value) => axisUsd(value)),
    ['$0', '$0.50', '$4.50', '$0.005', '-$1.03', '$0.0005', '$0.001', '$0.0012'],
  );
});

test('a redraw re-splits only the days whose totals changed, and sees late entries for past days', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  for (let day = 10; day <= 20; day++) l.record(`2026-11-${day}T09:00:00Z`, 'sonnet', { input_tokens: 10_000, output_tokens: 100 });
  let summaries = 0;
  const counting = {
    ...l.ledger,
    summarize: (...args: Parameters<typeof l.ledger.summarize>) => (summaries++, l.ledger.summarize(...args)),
  };
  const cache = new Map();
  const read = () => {
    summaries = 0;
    const history = readSpendHistory(
      counting,
      WORKSPACE.path,
      { nowMs: l.now.ms, historyDays: 90, recentLimit: 50, priceTable: table },
      cache,
    );
    return buildDashboardData(history, { workspaceName: WORKSPACE.name, budget, historyDays: 90 });
  };
  read();
  assert.equal(summaries, 1 + 2 * 11, 'first read: the per-day pass plus model and tier for each day');
  l.record('2026-11-20T10:00:00Z', 'haiku', { input_tokens: 10_000, output_tokens: 100 });
  l.record('2026-11-12T23:59:00Z', 'opus', { input_tokens: 10_000, output_tokens: 100 }); // a late write for a past day
  const data = read();
  assert.equal(summaries, 1 + 2 * 2, 'only today and the 12th are split again');
  const day12 = data.days.indexOf('2026-11-12');
  assert.ok(data.dailyByModel.find((s) => s.key === 'claude-opus-5-5')!.usd[day12]! > 0);
  assert.ok(data.dailyByModel.find((s) => s.key === 'claude-haiku-5-5')!.usd.at(-1)! > 0);
});

test('each model takes its tier’s colour, so the model and tier charts agree', () => {
  const tiers = { haiku: 'green', sonnet: 'blue', opus: 'purple' };
  const series = [
    { key: 'claude-sonnet-5-5', usd: [], tier: 'sonnet' },
    { key: 'claude-opus-5-5', usd: [], tier: 'opus' },
    { key: 'claude-sonnet-4-6', usd: [], tier: 'sonnet' },
    { key: 'my-gateway-model', usd: [] },
  ];
  assert.deepEqual(modelColours(series, tiers, ['yellow', 'red']), ['blue', 'purple', 'yellow', 'red']);
});

test('a saving that is really a cost is said as a cost, with the baseline it is measured against', () => {
  const usd = (n: number) => `$${n.toFixed(4)}`;
  const saved = savingStat('cache', 0.5, usd);
  assert.equal(saved.label, 'Saved by caching');
  assert.match(saved.definition, /no prompt caching/);
  const cacheCost = savingStat('cache', -0.00141, usd);
  assert.equal(cacheCost.label, 'Caching cost extra');
  assert.equal(cacheCost.value, '+$0.0014');
  assert.doesNotMatch(cacheCost.value, /-/);
  const routed = savingStat('routing', -0.0216, usd);
  assert.equal(routed.label, 'Routing chose a higher tier');
  assert.equal(routed.value, '+$0.0216');
  assert.match(routed.definition, /default tier/);
});

test('axis ticks a half-cent apart print differently ($0.025, $0.030), never the same figure twice', () => {
  const step = 0.005;
  const labels = [0.01, 0.015, 0.02, 0.025, 0.03].map((value) => axisUsd(value, step));
  assert.deepEqual(labels, ['$0.010', '$0.015', '$0.020', '$0.025', '$0.030']);
  assert.equal(new Set([0.001, 0.0012, 0.0014].map((value) => axisUsd(value, 0.0002))).size, 3);
  assert.equal(axisUsd(-0.01, 0.01), '-$0.01');
  assert.equal(axisUsd(20, 5), '$20.00');
});
