// Issue 8, item 8: concurrent processes on one ledger never spend past a hard budget together.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { raceBudget } from '../../bench/budgetRace.js';

test('4 tally chat processes against one $0.01 daily budget: the server bills at most the budget, and the ledger shows it all', async () => {
  const result = await raceBudget({ processes: 4, turnsEach: 8, dailyBudgetUsd: 0.01, answerTokens: 100 });
  assert.ok(result.billedUsd <= result.budgetUsd, `billed ${result.billedUsd} > budget ${result.budgetUsd}`);
  assert.ok(result.billedUsd > result.budgetUsd / 4, `only ${result.billedUsd} of ${result.budgetUsd} used: reservations too cautious`);
  assert.ok(Math.abs(result.ledgerUsd - result.billedUsd) < 1e-9, `ledger ${result.ledgerUsd} vs billed ${result.billedUsd}`);
  assert.ok(result.refusedProcesses >= 1, 'the budget stopped someone');
  assert.deepEqual(
    result.exitCodes.filter((code) => code !== 0 && code !== 3),
    [],
  );
});
