import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from 'valibot';
import { BudgetArgumentsSchema, describeBudgetValue, parseUsdInput, parseWarnAtInput } from '../../src/extension/spend/budgetInput.js';

test('budget amounts accept what people type and refuse the rest with a message', () => {
  assert.deepEqual(parseUsdInput('5'), { ok: true, value: 5 });
  assert.deepEqual(parseUsdInput(' $0.50 '), { ok: true, value: 0.5 });
  assert.deepEqual(parseUsdInput('1,250'), { ok: true, value: 1250 });
  assert.deepEqual(parseUsdInput(''), { ok: true, value: null }, 'empty clears the limit');
  for (const bad of ['-5', 'five', '5 dollars', '1e3', '$']) {
    const result = parseUsdInput(bad);
    assert.equal(result.ok, false, bad);
    if (!result.ok) assert.match(result.message, /not an amount in US dollars/);
  }
});

test('the warning level reads percentages and shares', () => {
  assert.deepEqual(parseWarnAtInput('80'), { ok: true, value: 0.8 });
  assert.deepEqual(parseWarnAtInput('80%'), { ok: true, value: 0.8 });
  assert.deepEqual(parseWarnAtInput('0.9'), { ok: true, value: 0.9 });
  assert.deepEqual(parseWarnAtInput('100'), { ok: true, value: 1 });
  assert.equal(parseWarnAtInput('0').ok, false);
  assert.equal(parseWarnAtInput('150').ok, false);
  assert.equal(parseWarnAtInput('lots').ok, false);
});

test('current values are described as the quick pick shows them', () => {
  assert.equal(describeBudgetValue('dailyUsd', null), 'not set');
  assert.equal(describeBudgetValue('monthlyUsd', 50), '$50.00');
  assert.equal(describeBudgetValue('warnAt', 0.8), '80%');
});

test('scripted budget arguments are validated field by field', () => {
  assert.ok(v.safeParse(BudgetArgumentsSchema, { dailyUsd: 0.01, warnAt: 0.5 }).success);
  assert.ok(v.safeParse(BudgetArgumentsSchema, { monthlyUsd: null }).success);
  assert.equal(v.safeParse(BudgetArgumentsSchema, { dailyUsd: -1 }).success, false);
  assert.equal(v.safeParse(BudgetArgumentsSchema, { daily: 5 }).success, false, 'unknown fields are refused, not ignored');
});
