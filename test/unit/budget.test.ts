import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBudget, budgetRefusal, parseBudget, type Budget } from '../../src/core/budget/index.js';
import { InputError } from '../../src/core/errors.js';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { scratchDir } from './scratch.js';

const budget = (input: Partial<Budget>) => parseBudget(input);

test('over the daily budget a request is refused with what was spent and what it would add', () => {
  const decision = checkBudget({ budget: budget({ dailyUsd: 5 }), spentTodayUsd: 4.98, spentMonthUsd: 4.98, estimateUsd: 0.05 });
  assert.equal(decision.action, 'refuse');
  assert.equal(decision.limit, 'daily');
  assert.equal(
    decision.message,
    'this request would exceed the daily budget $5.00 ($4.98 spent + ~$0.05 this request); send anyway to override',
  );
  assert.equal(decision.dailyLeftUsd, -0.03);
  const error = budgetRefusal(decision);
  assert.equal(error.exitCode, 3);
  assert.equal(error.message, decision.message);
});

test('the monthly budget refuses too, and a request that fits exactly is allowed', () => {
  const monthly = checkBudget({
    budget: budget({ dailyUsd: 10, monthlyUsd: 50 }),
    spentTodayUsd: 1,
    spentMonthUsd: 49.9,
    estimateUsd: 0.2,
  });
  assert.equal(monthly.action, 'refuse');
  assert.match(monthly.message, /^this request would exceed the monthly budget \$50\.00 \(\$49\.90 spent \+ ~\$0\.20 this request\)/);
  const exact = checkBudget({ budget: budget({ dailyUsd: 1, warnAt: 1 }), spentTodayUsd: 0.75, spentMonthUsd: 0.75, estimateUsd: 0.25 });
  assert.notEqual(exact.action, 'refuse');
});

test('an explicit override sends anyway, still saying which budget it passes', () => {
  const decision = checkBudget({ budget: budget({ dailyUsd: 5 }), spentTodayUsd: 6, spentMonthUsd: 6, estimateUsd: 0.05, override: true });
  assert.equal(decision.action, 'warn');
  assert.match(decision.message, /daily budget \$5\.00 reached .*\(sent anyway\)$/);
});

test('a prompt above the confirmation threshold asks first', () => {
  const decision = checkBudget({ budget: budget({ confirmAboveUsd: 0.25 }), spentTodayUsd: 0, spentMonthUsd: 0, estimateUsd: 0.4 });
  assert.equal(decision.action, 'confirm');
  assert.equal(decision.message, 'this prompt will cost about $0.40, above your $0.25 confirmation threshold');
  const small = checkBudget({ budget: budget({ confirmAboveUsd: 0.25 }), spentTodayUsd: 0, spentMonthUsd: 0, estimateUsd: 0.0042 });
  assert.deepEqual([small.action, small.message], ['allow', '']);
});

test('at the warning level (80% by default) the request goes with a warning', () => {
  const decision = checkBudget({ budget: budget({ dailyUsd: 5 }), spentTodayUsd: 3.9, spentMonthUsd: 3.9, estimateUsd: 0.1 });
  assert.equal(decision.action, 'warn');
  assert.equal(decision.message, 'daily budget 80% used after this request ($4.00 of $5.00)');
  const below = checkBudget({ budget: budget({ dailyUsd: 5 }), spentTodayUsd: 3.8, spentMonthUsd: 3.8, estimateUsd: 0.1 });
  assert.equal(below.action, 'allow');
  const custom = checkBudget({ budget: budget({ monthlyUsd: 100, warnAt: 0.5 }), spentTodayUsd: 0, spentMonthUsd: 55, estimateUsd: 0.1 });
  assert.deepEqual([custom.action, custom.limit], ['warn', 'monthly']);
});

test('refusal wins over confirmation, confirmation over warning', () => {
  const both = budget({ dailyUsd: 1, confirmAboveUsd: 0.1 });
  assert.equal(checkBudget({ budget: both, spentTodayUsd: 0.9, spentMonthUsd: 0.9, estimateUsd: 0.5 }).action, 'refuse');
  assert.equal(checkBudget({ budget: both, spentTodayUsd: 0.3, spentMonthUsd: 0.3, estimateUsd: 0.5 }).action, 'confirm');
});

test('no budget set: everything is allowed', () => {
  const decision = checkBudget({ budget: parseBudget({}), spentTodayUsd: 1000, spentMonthUsd: 1000, estimateUsd: 50 });
  assert.deepEqual([decision.action, decision.dailyLeftUsd, decision.monthlyLeftUsd], ['allow', null, null]);
});

test('a bad budget setting is refused with the field named', () => {
  assert.throws(
    () => parseBudget({ dailyUsd: -5 }, 'tally.budget'),
    (e: Error) => e instanceof InputError && e.message === 'tally.budget: dailyUsd: must not be negative',
  );
  assert.throws(() => parseBudget({ warnAt: 1.5 }), /warnAt: must be between 0 and 1/);
  assert.throws(() => parseBudget({ monthlyUsd: '20' }), /monthlyUsd: must be a number of USD/);
  assert.equal(parseBudget({ dailyUsd: 5 }).warnAt, 0.8);
});

test('checked against the shared ledger, a budget sees what another process spent moments ago', () => {
  const table = bundledPriceTable();
  const dir = scratchDir('tally-budget-');
  const now = () => Date.parse('2026-11-20T12:00:00Z');
  const window1 = openLedger(dir, { now });
  const window2 = openLedger(dir, { now });
  const workspace = { path: '/home/dev/app', name: 'app' };
  const daily = budget({ dailyUsd: 1 });
  const check = (estimateUsd: number) => {
    const spend = window1.spend(workspace.path);
    return checkBudget({ budget: daily, spentTodayUsd: spend.today.usd, spentMonthUsd: spend.thisMonth.usd, estimateUsd });
  };
  assert.equal(check(0.3).action, 'allow');
  // Another window spends $0.90 on Opus: 30,000 input tokens at $4/M and 39,000 output at $20/M.
  const entry = buildLedgerEntry(table, {
    startedAt: now(),
    workspace,
    source: 'chat',
    model: resolveModel(table, 'opus'),
    defaultModel: resolveModel(table, 'sonnet'),
    usage: { input_tokens: 30_000, output_tokens: 39_000 },
    status: 'ok',
    durationMs: 1,
  });
  assert.equal(entry.usd, 0.9);
  window2.append(entry);
  const decision = check(0.3);
  assert.equal(decision.action, 'refuse');
  assert.match(decision.message, /\$0\.90 spent/);
});

test('several processes spending at once overspend by at most one request in flight each', () => {
  const table = bundledPriceTable();
  const dir = scratchDir('tally-budget-race-');
  const now = () => Date.parse('2026-11-20T12:00:00Z');
  const workspace = { path: '/home/dev/app', name: 'app' };
  const daily = budget({ dailyUsd: 1 });
  const request = buildLedgerEntry(table, {
    startedAt: now(),
    workspace,
    source: 'chat',
    model: resolveModel(table, 'sonnet'),
    defaultModel: resolveModel(table, 'sonnet'),
    usage: { input_tokens: 50_000, output_tokens: 30_000 }, // $0.40
    status: 'ok',
    durationMs: 1,
  });
  const processes = [0, 1, 2].map(() => openLedger(dir, { now }));
  let refusals = 0;
  // Worst case: every process checks before any of them records, every round.
  for (let round = 0; round < 6; round++) {
    const allowed = processes.filter((ledger) => {
      const spend = ledger.spend(workspace.path);
      const decision = checkBudget({
        budget: daily,
        spentTodayUsd: spend.today.usd,
        spentMonthUsd: spend.thisMonth.usd,
        estimateUsd: request.usd,
      });
      if (decision.action === 'refuse') refusals++;
      return decision.action !== 'refuse';
    });
    allowed.forEach((ledger) => ledger.append(request));
  }
  const spent = openLedger(dir, { now }).spend(workspace.path).today.usd;
  assert.ok(spent > 1, 'the race did overspend');
  assert.ok(spent <= 1 + processes.length * request.usd, `spent ${spent}`);
  assert.equal(refusals, processes.length * 5, 'once over, every process refuses in every later round');
  assert.equal(request.usd, 0.4);
});
