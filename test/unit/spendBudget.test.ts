import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetLevel, budgetView, daysInUtcMonth, forecastMonthEnd } from '../../src/extension/spend/budgetStatus.js';

const noon = (day: string) => Date.parse(`${day}T12:00:00Z`);

test('the month-end forecast extrapolates the month-to-date daily average over the days left', () => {
  // 10.5 days into a 30-day month with $21 spent: $2/day, so $21 + 19.5 × $2 = $60.
  assert.equal(forecastMonthEnd(21, noon('2026-11-11')), 60);
  // The last moment of the month forecasts what was spent.
  assert.ok(Math.abs(forecastMonthEnd(45, Date.parse('2026-11-30T23:59:59.999Z')) - 45) < 1e-6);
});

test('a forecast in the first hours of a month does not blow a single request up', () => {
  // One hour into November, $1 spent: the rate counts a whole day, so 1 + 1 × (30 − 1/24).
  const forecast = forecastMonthEnd(1, Date.parse('2026-11-01T01:00:00Z'));
  assert.ok(forecast < 31.1 && forecast > 30.9, String(forecast));
  assert.equal(forecastMonthEnd(0, noon('2026-11-11')), 0);
});

test('months have their real length, leap February included', () => {
  assert.equal(daysInUtcMonth(noon('2028-02-10')), 29);
  assert.equal(daysInUtcMonth(noon('2026-02-10')), 28);
  assert.equal(daysInUtcMonth(noon('2026-12-31')), 31);
});

test('budget level: none without budgets, warning at the warning level, exceeded past a limit', () => {
  const daily = { dailyUsd: 5, monthlyUsd: null, warnAt: 0.8 };
  assert.equal(budgetLevel(100, 100, { dailyUsd: null, monthlyUsd: null, warnAt: 0.8 }), 'none');
  assert.equal(budgetLevel(3.99, 50, daily), 'ok');
  assert.equal(budgetLevel(4, 50, daily), 'warning');
  assert.equal(budgetLevel(5.01, 50, daily), 'exceeded');
  // The monthly budget counts as much as the daily one.
  assert.equal(budgetLevel(0.1, 101, { dailyUsd: 5, monthlyUsd: 100, warnAt: 0.8 }), 'exceeded');
  assert.equal(budgetLevel(0.1, 90, { dailyUsd: 5, monthlyUsd: 100, warnAt: 0.8 }), 'warning');
});

test('budget left is the smallest amount left under any budget and never negative', () => {
  const view = budgetView(4, 95, { dailyUsd: 5, monthlyUsd: 100, warnAt: 0.8 }, noon('2026-11-11'));
  assert.equal(view.leftUsd, 1);
  assert.equal(budgetView(9, 95, { dailyUsd: 5, monthlyUsd: 100, warnAt: 0.8 }, noon('2026-11-11')).leftUsd, 0);
  assert.equal(budgetView(9, 95, { dailyUsd: null, monthlyUsd: null, warnAt: 0.8 }, noon('2026-11-11')).leftUsd, null);
  assert.equal(view.month, '2026-11');
  assert.equal(view.dayOfMonth, 11);
  assert.equal(view.daysInMonth, 30);
});
