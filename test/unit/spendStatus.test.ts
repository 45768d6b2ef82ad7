import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetView } from '../../src/extension/spend/budgetStatus.js';
import { statusAccessibilityLabel, statusText, statusTooltipMarkdown } from '../../src/extension/spend/statusBarText.js';
import { testLedger, WORKSPACE } from './spendTestLedger.js';

test('the status bar shows today’s workspace spend and the tooltip breaks it down', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-11-03T09:00:00Z', 'sonnet', { input_tokens: 1_000_000, output_tokens: 0 }); // $2 earlier this month
  l.record('2026-11-20T09:00:00Z', 'sonnet', { input_tokens: 200_000, output_tokens: 2000 }); // $0.42 today
  const spend = l.ledger.spend(WORKSPACE.path);
  assert.equal(statusText(spend), '$(graph) $0.42 today');
  const view = budgetView(spend.today.usd, spend.thisMonth.usd, { dailyUsd: 0.5, monthlyUsd: 10, warnAt: 0.8 }, l.now.ms);
  assert.equal(view.level, 'warning', '$0.42 is past 80% of a $0.50 daily budget');
  const tooltip = statusTooltipMarkdown(WORKSPACE.name, spend, view);
  assert.match(tooltip, /\| Today \| \$0\.42 of \$0\.50 \(84%\) \|/);
  assert.match(tooltip, /\| This month \| \$2\.42 of \$10\.00 \(24%\) \|/);
  assert.match(tooltip, /\| Budget left \| \$0\.08 \|/);
  assert.match(tooltip, /Saved by caching/);
  assert.match(tooltip, /Past 80% of a budget/);
  assert.match(tooltip, /Click to show spend in the Tally side bar/);
  const label = statusAccessibilityLabel(spend, view);
  assert.doesNotMatch(label, /\$\(/, 'no icon syntax read aloud');
  assert.match(label, /\$0\.42 spent today/);
});

test('past the warning level and over budget the item shows an icon, not only a colour, and says it aloud', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  l.record('2026-11-20T09:00:00Z', 'sonnet', { input_tokens: 200_000, output_tokens: 2000 }); // $0.42 today
  const spend = l.ledger.spend(WORKSPACE.path);
  const at = (dailyUsd: number) => budgetView(spend.today.usd, spend.thisMonth.usd, { dailyUsd, monthlyUsd: null, warnAt: 0.8 }, l.now.ms);
  assert.equal(statusText(spend, at(5).level), '$(graph) $0.42 today');
  assert.equal(statusText(spend, at(0.5).level), '$(warning) $0.42 today');
  assert.equal(statusText(spend, at(0.4).level), '$(error) $0.42 today');
  assert.match(statusAccessibilityLabel(spend, at(0.5)), /past 80 percent of budget/);
  assert.match(statusAccessibilityLabel(spend, at(0.4)), /budget reached/);
});

test('the status text updates when another process appends to the ledger', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  assert.equal(statusText(l.ledger.spend(WORKSPACE.path)), '$(graph) $0.00 today');
  l.record('2026-11-20T09:00:00Z', 'haiku', { input_tokens: 10_000, output_tokens: 2000 }); // $0.002
  assert.equal(statusText(l.ledger.spend(WORKSPACE.path)), '$(graph) $0.002 today');
});

test('workspace names cannot inject Markdown into the tooltip', (t) => {
  const l = testLedger('2026-11-20T15:00:00Z');
  t.after(() => l.dispose());
  const spend = l.ledger.spend(WORKSPACE.path);
  const view = budgetView(0, 0, { dailyUsd: null, monthlyUsd: null, warnAt: 0.8 }, l.now.ms);
  const tooltip = statusTooltipMarkdown('[click](command:evil) <img>', spend, view);
  assert.match(tooltip, /\\\[click\\\]\\\(command:evil\\\) \\<img\\>/);
  assert.match(tooltip, /no budget set/);
});
