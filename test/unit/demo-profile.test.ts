// npm run demo's lived-in start: two weeks of sample spend a user can read in the dashboard, today's
// spend just under the budget's warning, an earlier conversation the chat history can open, and
// simulated answers that read like answers to the question asked.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import * as v from 'valibot';
import { createProfile, DEMO_DAILY_BUDGET_USD, DEMO_TODAY_USD } from '../../scripts/demo/profile.js';
import { sampleSpend } from '../../scripts/demo/sampleSpend.js';
import { addDays, dayIn, systemTimeZone } from '../../src/core/dates.js';
import { openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { StoredConversationSchema } from '../../src/extension/chat/conversationStore.js';
import { isSimulatedApi, seedDemoConversation, SIMULATED_NOTICE, simulatedNotice } from '../../src/extension/demo.js';
import { budgetView } from '../../src/extension/spend/budgetStatus.js';
import { buildDashboardData } from '../../src/extension/spend/dashboardData.js';
import { readSpendHistory } from '../../src/extension/spend/spendHistory.js';
import { statusTooltipMarkdown } from '../../src/extension/spend/statusBarText.js';
import { plausibleAnswer } from '../../src/simulator/plausible.js';

const table = bundledPriceTable();
const now = Date.parse('2026-12-02T15:20:00Z');

test('the sample spend covers the last 14 local days, never the future, and today adds up to the stated figure', () => {
  const zone = 'America/New_York';
  const entries = sampleSpend({ table, nowMs: now, timeZone: zone, workspace: { path: '/w', name: 'w' }, todayUsd: 3.6 });
  const days = new Set(entries.map((entry) => dayIn(Date.parse(entry.ts), zone)));
  assert.equal(days.size, 14);
  assert.ok(days.has('2026-12-02') && days.has(addDays('2026-12-02', -13)));
  assert.ok(entries.every((entry) => Date.parse(entry.ts) <= now && entry.sample === true));
  const today = entries.filter((entry) => dayIn(Date.parse(entry.ts), zone) === '2026-12-02').reduce((sum, e) => sum + e.usd, 0);
  assert.ok(Math.abs(today - 3.6) < 0.05, `today's sample spend is $${today.toFixed(3)}`);
  // The same clock gives the same sample, so screenshots and the README stay true.
  assert.deepEqual(sampleSpend({ table, nowMs: now, timeZone: zone, workspace: { path: '/w', name: 'w' }, todayUsd: 3.6 }), entries);
});

test('a demo profile seeds a readable ledger below the budget warning and an earlier conversation the chat loads', async () => {
  const profile = createProfile({ simulatedApiUrl: 'http://127.0.0.1:9/', nowMs: now });
  try {
    const ledger = openLedger(profile.ledgerDir, { timeZone: systemTimeZone(), now: () => now, persistIndex: false });
    const spend = ledger.spend();
    assert.equal(spend.problems.count, 0);
    assert.ok(spend.today.usd > 0 && spend.today.usd < 0.8 * DEMO_DAILY_BUDGET_USD, `today $${spend.today.usd}`);
    assert.ok(Math.abs(spend.today.usd - DEMO_TODAY_USD) < 0.05);
    assert.equal(ledger.summarize('day').rows.length, 14);

    const settings = JSON.parse(readFileSync(`${profile.userDataDir}/User/settings.json`, 'utf8')) as Record<string, unknown>;
    assert.equal(settings['tally.apiBaseUrl'], 'http://127.0.0.1:9/');
    assert.equal(settings['tally.ledgerDirectory'], profile.ledgerDir);
    assert.equal(settings['tally.gateway.upstream'], 'http://127.0.0.1:9/');

    const state = new Map<string, unknown>();
    const memento = {
      get: <T>(key: string) => state.get(key) as T | undefined,
      update: async (key: string, value: unknown) => void state.set(key, value),
    };
    const logged: string[] = [];
    await seedDemoConversation({ TALLY_DEMO_CONVERSATION: profile.conversationFile }, memento, (line) => logged.push(line));
    const { ConversationStore } = await import('../../src/extension/chat/conversationStore.js');
    const history = new ConversationStore(memento).list();
    assert.deepEqual(logged, []);
    assert.equal(history.length, 1);
    assert.match(history[0]!.title, /sample/);
    const conversation = v.parse(StoredConversationSchema, new ConversationStore(memento).load(history[0]!.id));
    assert.match(conversation.context[0]!.text, /discountAmount/, 'the attached file travels with the conversation');
    // Deleted by the user: not seeded again on the next start.
    await new ConversationStore(memento).delete(history[0]!.id);
    await seedDemoConversation({ TALLY_DEMO_CONVERSATION: profile.conversationFile }, memento, () => undefined);
    assert.equal(new ConversationStore(memento).list().length, 0);
  } finally {
    rmSync(profile.root, { recursive: true, force: true });
  }
});

test('only the simulated API the demo started is labelled simulated', () => {
  const env = { TALLY_SIMULATED_API: 'http://127.0.0.1:4100' };
  assert.equal(isSimulatedApi(env, 'http://127.0.0.1:4100/'), true);
  assert.equal(isSimulatedApi(env, 'https://api.anthropic.com'), false);
  assert.equal(isSimulatedApi({}, 'http://127.0.0.1:4100'), false);
  assert.equal(isSimulatedApi(env, null), false);
});

test('with the simulated API the status tooltip and the dashboard say so, and the seeded rows are marked sample', () => {
  const profile = createProfile({ simulatedApiUrl: 'http://127.0.0.1:9/', nowMs: now });
  try {
    const ledger = openLedger(profile.ledgerDir, { timeZone: systemTimeZone(), now: () => now, persistIndex: false });
    const workspacePath = ledger.query({}).entries[0]!.workspace.path;
    const note = simulatedNotice('http://127.0.0.1:9', { TALLY_SIMULATED_API: 'http://127.0.0.1:9/' });
    assert.equal(note, SIMULATED_NOTICE);
    const budget = { dailyUsd: DEMO_DAILY_BUDGET_USD, monthlyUsd: null, warnAt: 0.8 };
    const history = readSpendHistory(ledger, workspacePath, { nowMs: now, historyDays: 30, recentLimit: 20, priceTable: table });
    const data = buildDashboardData(history, { workspaceName: 'corner-shop', budget, historyDays: 30, apiNote: note! });
    assert.equal(data.notes?.[0], SIMULATED_NOTICE);
    assert.match(data.notes?.[1] ?? '', /sample spend seeded by the demo .*never billed/);
    assert.ok(data.recent.length > 0 && data.recent.every((row) => row.sample === true));
    const spend = ledger.spend(workspacePath);
    const view = budgetView(spend.today.usd, spend.thisMonth.usd, budget, now, systemTimeZone());
    assert.match(
      statusTooltipMarkdown('corner-shop', spend, view, note),
      /\$\(beaker\) Simulated API: answers and costs are made up by the demo/,
    );
    assert.doesNotMatch(statusTooltipMarkdown('corner-shop', spend, view), /Simulated/);
    const real = buildDashboardData(history, { workspaceName: 'corner-shop', budget, historyDays: 30 });
    assert.equal(real.notes?.length, 1, 'without the simulated API only the sample note remains');
  } finally {
    rmSync(profile.root, { recursive: true, force: true });
  }
});

test('a simulated answer says it is simulated, names what the question names and fits max_tokens', () => {
  const question = 'Why does `discountAmount` in discounts.ts give fractions of a cent? Fix it.';
  const answer = plausibleAnswer(question, 'v5', 4096);
  assert.match(answer.text, /Simulated answer/);
  assert.match(answer.text, /discountAmount/);
  assert.match(answer.text, /discounts\.ts/);
  assert.equal(answer.truncated, false);
  assert.equal(plausibleAnswer(question, 'v5', 4096).text, answer.text);
  const cut = plausibleAnswer(question, 'v5', 20);
  assert.equal(cut.outputTokens, 20);
  assert.equal(cut.truncated, true);
  assert.ok(cut.text.length < answer.text.length);
});
