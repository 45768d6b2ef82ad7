import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetView, type BudgetSettings } from '../../src/extension/spend/budgetStatus.js';
import { readSpendBreakdown } from '../../src/extension/spend/spendHistory.js';
import { spendTreeNodes, type SpendNode } from '../../src/extension/views/spendTreeData.js';
import { OTHER_WORKSPACE, table, testLedger, WORKSPACE, type TestLedger } from './spendTestLedger.js';

// The spend tree in the Tally side bar, from ledger entries to the labels the user reads.

const NO_BUDGET: BudgetSettings = { dailyUsd: null, monthlyUsd: null, warnAt: 0.8 };

function nodes(l: TestLedger, budget: BudgetSettings = NO_BUDGET): SpendNode[] {
  const breakdown = readSpendBreakdown(l.ledger, WORKSPACE.path, { recentLimit: 10, priceTable: table });
  const view = budgetView(breakdown.spend.today.usd, breakdown.spend.thisMonth.usd, budget, l.now.ms, l.ledger.timeZone);
  return spendTreeNodes({ breakdown, budget: view, timeZone: l.ledger.timeZone, nowMs: l.now.ms });
}

const find = (list: SpendNode[], id: string): SpendNode => {
  const node = list.find((n) => n.id === id);
  assert.ok(node, `no node ${id} in ${list.map((n) => n.id).join(', ')}`);
  return node;
};

function fill(l: TestLedger): void {
  l.record('2026-10-31T09:00:00Z', 'opus', { input_tokens: 1_000_000 }); // last month: not in this month's figures
  l.record('2026-11-03T09:00:00Z', 'sonnet', { input_tokens: 1_000_000 }); // $2.00 this month, chat
  l.record('2026-11-20T09:00:00Z', 'sonnet', { input_tokens: 200_000, output_tokens: 2000 }, { client: 'tally' }); // $0.42 today
  l.record('2026-11-20T10:30:00Z', 'haiku', { input_tokens: 10_000, output_tokens: 2000 }, { source: 'gateway', client: 'claude-code' }); // $0.002
  l.record('2026-11-20T11:00:00Z', 'sonnet', { input_tokens: 500_000 }, { workspace: OTHER_WORKSPACE }); // another workspace
}

test('today and this month show this workspace’s spend and request counts', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  fill(l);
  const tree = nodes(l);
  assert.deepEqual(
    tree.map((n) => n.label),
    ['Today', 'This month', 'Budget', 'By client (this month)', 'By model (this month)', 'Recent requests', 'Open spend dashboard'],
  );
  assert.equal(find(tree, 'today').description, '$0.422 · 2 requests');
  assert.equal(find(tree, 'month').description, '$2.42 · 3 requests');
  assert.deepEqual(find(tree, 'dashboard').command, { command: 'tally.openDashboard', title: 'Open Spend Dashboard' });
});

test('spend by client and by model covers this month, largest first', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  fill(l);
  const tree = nodes(l);
  const clients = find(tree, 'clients').children!;
  // An entry without a client counts under its source (the chat's earlier entry).
  assert.deepEqual(
    clients.map((n) => [n.label, n.description]),
    [
      ['chat', '$2.00 · 1 request'],
      ['tally', '$0.42 · 1 request'],
      ['claude-code', '$0.002 · 1 request'],
    ],
  );
  const models = find(tree, 'models').children!;
  assert.deepEqual(
    models.map((n) => [n.label, n.description]),
    [
      ['claude-sonnet-5-5', '$2.42 · 2 requests'],
      ['claude-haiku-5-5', '$0.002 · 1 request'],
    ],
  );
});

test('recent requests list the newest first with cost, model, local time and client source', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  fill(l);
  l.record('2026-11-20T12:00:00Z', 'haiku', { input_tokens: 1000 }, { status: 'error' });
  const recent = find(nodes(l), 'recent').children!;
  assert.deepEqual(
    recent.slice(0, 3).map((n) => [n.label, n.description, n.icon]),
    [
      ['$0.0001 claude-haiku-5-5', '12:00 · chat · error', 'error'],
      ['$0.002 claude-haiku-5-5', '10:30 · gateway', 'pass'],
      ['$0.42 claude-sonnet-5-5', '09:00 · chat', 'pass'],
    ],
  );
  assert.deepEqual(
    recent.slice(3).map((n) => [n.label, n.description]),
    [
      ['$2.00 claude-sonnet-5-5', '11-03 09:00 · chat'],
      ['$4.00 claude-opus-5-5', '10-31 09:00 · chat'],
    ],
    'earlier days show their date; the other workspace’s request is not listed',
  );
  assert.equal(new Set(recent.map((n) => n.id)).size, recent.length, 'ids are unique');
});

test('the budget shows used and left per limit, and says when it is past the warning level or reached', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  fill(l);
  const none = find(nodes(l), 'budget');
  assert.equal(none.description, 'none set: click to set one');
  assert.equal(none.command?.command, 'tally.setBudget');

  const warning = find(nodes(l, { dailyUsd: 0.5, monthlyUsd: 10, warnAt: 0.8 }), 'budget');
  assert.equal(warning.description, '$0.078 left · past 80%');
  assert.equal(warning.icon, 'warning');
  assert.deepEqual(
    warning.children!.map((n) => [n.label, n.description]),
    [
      ['Daily', '$0.422 of $0.50 (84%) · $0.078 left'],
      ['Monthly', '$2.42 of $10.00 (24%) · $7.58 left'],
    ],
  );

  const reached = find(nodes(l, { dailyUsd: 0.25, monthlyUsd: null, warnAt: 0.8 }), 'budget');
  assert.equal(reached.description, '$0.00 left · reached');
  assert.equal(reached.icon, 'error');
  assert.deepEqual(
    reached.children!.map((n) => n.description),
    ['$0.422 of $0.25 (169%) · $0.00 left'],
  );
});

test('an empty ledger says so instead of showing empty groups', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  const tree = nodes(l);
  assert.equal(find(tree, 'today').description, '$0.00 · 0 requests');
  assert.equal(find(tree, 'recent').description, 'none yet');
  assert.equal(find(tree, 'clients').description, 'none yet');
});

test('a request the demo seeded says it is a sample', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-11-20T09:00:00Z', 'sonnet', { input_tokens: 1000 }, { sample: true });
  const [row] = find(nodes(l), 'recent').children!;
  assert.equal(row?.description, '09:00 · chat · sample');
  assert.match(row?.tooltip ?? '', /never billed/);
});
