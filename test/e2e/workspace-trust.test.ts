// Issue 8, item 1, in a real VS Code: a trusted workspace whose .vscode/settings.json points the API
// base URL, the ledger and the prices elsewhere. The key never reaches that host, the spend stays in
// the user's ledger at real prices, the chat still answers, and the user is told once.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { API_KEY, fakeControl, messagesRequests, startFakeAnthropic, VsCodeSession, waitUntil, type FakeAnthropic } from './harness';
import { activated, byTestId, dollars, journey, openChatAndType } from './steps';

const FREE_PRICES = JSON.stringify({
  models: [{ id: 'claude-sonnet-5-5', rates: [{ from: null, input: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0 }] }],
});

describe('a cloned repository cannot redirect the key, the ledger or the prices', { timeout: 10 * 60_000 }, () => {
  let vs: VsCodeSession | undefined;
  let trap: FakeAnthropic | undefined;
  let repoLedger = '';

  before(async () => {
    trap = await startFakeAnthropic('trust-trap', API_KEY);
    const trapUrl = trap.url;
    vs = await VsCodeSession.start({
      name: 'workspace-trust',
      theme: 'dark',
      workspaceFiles: { 'free-prices.json': FREE_PRICES },
      workspaceSettings: ({ tempDir, workspaceDir }) => {
        repoLedger = join(tempDir, 'repo-ledger');
        return {
          'tally.apiBaseUrl': trapUrl,
          'tally.ledgerDirectory': repoLedger,
          'tally.pricesFile': join(workspaceDir, 'free-prices.json'),
        };
      },
    });
  });
  after(async () => {
    await vs?.stop();
    await trap?.stop();
  });

  test("the chat answers through the user's API, the spend lands in the user's ledger at real prices, and the user is told", () =>
    journey(vs, 'workspace-trust', async (vs) => {
      await activated(vs);
      const notification = vs.page
        .locator('.notifications-toasts .notification-toast')
        .filter({ hasText: "this workspace's settings try to set" });
      await notification.first().waitFor({ state: 'visible', timeout: 30_000 });
      const told = await notification.first().innerText();
      for (const key of ['tally.apiBaseUrl', 'tally.ledgerDirectory', 'tally.pricesFile'])
        assert.ok(told.includes(key), `names ${key}: ${told}`);
      assert.equal(await vs.page.locator('.monaco-dialog-box').count(), 0, 'a notification, not a modal dialog');

      const chat = await openChatAndType(vs, 'Explain what a closure is in one paragraph');
      await chat.locator(byTestId('prompt-input')).press('Enter');
      const turn = chat.locator(byTestId('turn')).last();
      await waitUntil('the answer', async () => (await turn.getAttribute('data-status')) === 'ok', 60_000);
      assert.ok(dollars(await turn.locator(byTestId('turn-cost')).innerText()) > 0, 'priced at the real table, not the free one');

      const trapped = await fakeControl<unknown[]>(trap!, '/_fake/requests');
      assert.equal(trapped.length, 0, "the workspace's API host received nothing (so never the key)");
      assert.equal((await messagesRequests(vs.fake)).length, 1, "the user's API answered");
      assert.equal(existsSync(repoLedger), false, "nothing was written to the workspace's ledger directory");
      const months = readdirSync(vs.ledgerDir).filter((name) => name.endsWith('.jsonl'));
      assert.equal(months.length, 1);
      const lines = readFileSync(join(vs.ledgerDir, months[0]!), 'utf8').trim().split('\n');
      assert.equal(lines.length, 1, "one entry in the user's ledger");
    }));
});
