// What @tally writes in VS Code's Chat: the line under an answer, /cost, /spend and /budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyTotals, type LedgerEntry, type SpendTotals, type Totals } from '../../src/core/ledger/index.js';
import { answerFooter, budgetReply, costReply, spendReply } from '../../src/extension/lm/replies.js';

const turn = {
  status: 'ok',
  model: 'claude-haiku-5-5',
  tier: 'haiku',
  reasons: ['mechanical edit: rename'],
  usd: 0.0012,
  savedUsd: 0,
  cacheReadTokens: 0,
};

test('under an answer: its tier and model, its cost and why; a cache saving only when there was one', () => {
  const plain = answerFooter(turn);
  assert.match(plain, /\*\*haiku\*\* \(claude-haiku-5-5\) · \$0\.0012/);
  assert.match(plain, /Why:\* mechanical edit: rename/);
  assert.doesNotMatch(plain, /cache saved/);
  const cached = answerFooter({ ...turn, savedUsd: 0.004, cacheReadTokens: 12_000 });
  assert.match(cached, /cache saved \$0\.004 \(12(,|\.)?0*k? ?.*tokens read\)/);
  assert.match(answerFooter({ ...turn, status: 'aborted' }), /stopped/);
});

test('/cost: every tier priced, the router pick marked, the references named, nothing sent', () => {
  const text = costReply(
    [
      { tier: 'haiku', model: 'claude-haiku-5-5', inputTokens: 1200, usd: 0.001, worstUsd: 0.01 },
      { tier: 'sonnet', model: 'claude-sonnet-5-5', inputTokens: 1200, usd: 0.004, worstUsd: 0.05 },
      { tier: 'opus', model: 'claude-opus-5-5', inputTokens: 1200, usd: 0.02, worstUsd: 0.2 },
    ],
    { tier: 'sonnet', reasons: ['writes code'] },
    ['src/a.ts', 'src/b.ts:3-9'],
  );
  assert.match(text, /^Nothing was sent/);
  assert.match(text, /\| \*\*sonnet\*\* \(router's pick\) \| claude-sonnet-5-5 \|/);
  assert.match(text, /\| haiku \| claude-haiku-5-5 \| .* \| \$0\.001 \| \$0\.01 \|/);
  assert.match(text, /`src\/a\.ts`, `src\/b\.ts:3-9`/);
  assert.match(text, /Router:\* writes code/);
});

const totals = (usd: number, requests: number): Totals => ({ ...emptyTotals(), requests, usd, baselineUsd: usd, cacheSavingsUsd: 0.01 });
const entry = (ts: string, source: string, usd: number, client: string | null = null) =>
  ({ ts, source, usd, client }) as unknown as LedgerEntry;

test('/spend: today and this month for the workspace, by client, dearest first', () => {
  const spend = { date: '2026-12-02', today: totals(0.3, 2), thisMonth: totals(1.3, 3), problems: { count: 0 } } as unknown as SpendTotals;
  const text = spendReply(
    'app',
    spend,
    [
      entry('2026-12-01T10:00:00Z', 'gateway', 1, 'claude-code'),
      entry('2026-12-02T09:00:00Z', 'vscode-chat', 0.2),
      entry('2026-12-02T09:30:00Z', 'chat', 0.1),
    ],
    'UTC',
  );
  assert.match(text, /\*\*app\*\*: \$0\.30 today, \$1\.30 this month \(3 requests/);
  const rows = text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| client') && !line.startsWith('| ---'));
  assert.deepEqual(
    rows.map((row) => row.split('|')[1]!.trim()),
    ['claude-code', 'VS Code Chat', 'Tally chat panel'],
  );
  assert.match(rows[0]!, /\| claude-code \| \$0\.00 \| \$1\.00 \| 1 \|/);
  assert.match(rows[1]!, /\| VS Code Chat \| \$0\.20 \| \$0\.20 \| 1 \|/);
});

test('/budget: none set says how to set one; a reached budget says requests are refused', () => {
  assert.match(
    budgetReply({ dailyUsd: null, monthlyUsd: null, todayUsd: 0.5, monthUsd: 2, leftUsd: null, level: 'none' }),
    /No budget is set .*Tally: Set Budget/,
  );
  const reached = budgetReply({ dailyUsd: 1, monthlyUsd: 20, todayUsd: 1.2, monthUsd: 5, leftUsd: 0, level: 'exceeded' });
  assert.match(reached, /\| daily \| \$1\.00 \| \$1\.20 \|/);
  assert.match(reached, /\| monthly \| \$20\.00 \| \$5\.00 \|/);
  assert.match(reached, /Budget reached: requests are refused/);
  assert.match(budgetReply({ dailyUsd: 1, monthlyUsd: null, todayUsd: 0.25, monthUsd: 0.25, leftUsd: 0.75, level: 'ok' }), /\$0\.75 left/);
});
