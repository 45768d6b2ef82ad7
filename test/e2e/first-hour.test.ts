// Issue 15 in the real VS Code, in the high-contrast theme where colour alone shows nothing:
// attaching after clicking into the chat, `#file:` mentions, focus back in the input after Send,
// Set Budget leaving the repository untouched, the over-budget icon, and the dashboard at 320 px.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VsCodeSession, waitUntil, type Theme } from './harness';
import { activated, byTestId, journey, openChatAndType, SPEND_TODAY } from './steps';

const THEMES = (process.env.TALLY_E2E_THEMES ?? 'light,dark,high-contrast').split(',').map((name) => name.trim()) as Theme[];
const CART =
  'export interface Line {\n  sku: string;\n  cents: number;\n  quantity: number;\n}\n\nexport const total = (lines: Line[]) => lines.reduce((sum, l) => sum + l.cents * l.quantity, 0);\n';
const MONEY = 'export const formatCents = (cents: number) => `$${(cents / 100).toFixed(2)}`;\n';

for (const theme of THEMES)
  describe(`the first hour, in the ${theme} theme`, { timeout: 10 * 60_000 }, () => {
    let vs: VsCodeSession | undefined;
    before(async () => {
      vs = await VsCodeSession.start({
        name: `first-hour-${theme}`,
        theme,
        workspaceFiles: { 'src/cart.ts': CART, 'src/money.ts': MONEY },
      });
    });
    after(async () => {
      await vs?.stop();
    });

    test('with the chat focused, Attach file offers the file last edited first; #file: attaches another; focus returns to the input after Send', () =>
      journey(vs, 'attach-after-focus', async (vs) => {
        await activated(vs);
        await vs.runCommand('Go to File');
        await vs.page.locator('.quick-input-widget input').fill('cart.ts');
        await vs.pickQuickItem('cart.ts');
        await vs.page.locator('.tab.active').filter({ hasText: 'cart.ts' }).waitFor({ timeout: 15_000 });

        const chat = await openChatAndType(vs, 'What does total do? Compare with #file:src/money.ts ');
        await chat.locator(byTestId('attach-file')).click();
        const first = vs.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
        await first.waitFor({ state: 'visible', timeout: 10_000 });
        assert.match(await first.innerText(), /src\/cart\.ts[\s\S]*current file/, 'the file last focused is offered first');
        await first.click();
        const labels = chat.locator(byTestId('attachment'));
        await waitUntil('both attachments', async () => (await labels.count()) === 2, 15_000);
        const shown = (await labels.allInnerTexts()).join(' | ');
        assert.match(shown, /src\/money\.ts/, `the mentioned file is attached: ${shown}`);
        assert.match(shown, /src\/cart\.ts/, `the picked file is attached: ${shown}`);

        // A second click still works (the finding: the first worked, the second said "open a file").
        await chat.locator(byTestId('attach-selection')).click();
        const notice = chat.locator(byTestId('notice'));
        await waitUntil('the selection answer', async () => (await notice.count()) > 0 && (await notice.first().isVisible()), 10_000);
        assert.doesNotMatch(await notice.first().innerText(), /Open a file in the editor first/);

        await chat.locator(byTestId('prompt-input')).click();
        await chat.locator(byTestId('prompt-input')).press('Enter');
        const turn = chat.locator(byTestId('turn')).last();
        await waitUntil('the answer', async () => (await turn.getAttribute('data-status')) === 'ok', 60_000);
        const focused = await chat.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? '');
        assert.equal(focused, 'prompt-input', 'focus is back in the input after Send');
      }));

    test('Set Budget writes the user settings, not the repository, and comes back to its menu', () =>
      journey(vs, 'set-budget-user', async (vs) => {
        await vs.runCommand('Tally: Set Budget');
        await vs.pickQuickItem('Daily budget');
        await vs.answerInputBox('0.0001');
        const menu = vs.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'Daily budget' });
        await menu.first().waitFor({ state: 'visible', timeout: 10_000 });
        assert.match(await menu.first().innerText(), /0\.0001/, 'the menu shows the new value');
        await vs.page.keyboard.press('Escape');
        const workspaceSettings = join(vs.tempDir, 'workspace/.vscode/settings.json');
        assert.equal(existsSync(workspaceSettings), false, 'nothing written into the repository');
        const user = JSON.parse(readFileSync(join(vs.tempDir, 'user-data/User/settings.json'), 'utf8')) as Record<string, unknown>;
        assert.equal(user['tally.budget.dailyUsd'], 0.0001);
      }));

    test('over budget the spend item shows an error icon and says so to a screen reader', () =>
      journey(vs, 'over-budget-icon', async (vs) => {
        const item = vs.statusBarItem(SPEND_TODAY);
        await waitUntil('the error icon on the spend item', async () => (await item.locator('.codicon-error').count()) > 0, 15_000);
        const label = await item.evaluate((el) => {
          const root = el.closest('.statusbar-item') ?? el;
          return root.getAttribute('aria-label') ?? root.querySelector('[aria-label]')?.getAttribute('aria-label') ?? '';
        });
        assert.match(label, /budget reached/);
      }));

    test('the dashboard at full width, with the savings explained', () =>
      journey(vs, 'dashboard-full', async (vs) => {
        await vs.runCommand('View: Close All Editor Groups');
        await vs.runCommand('Tally: Open Spend Dashboard');
        const dashboard = await vs.webviewWith(byTestId('recent-table'), 60_000);
        const title = await dashboard
          .locator(byTestId('total-routing-saved'))
          .evaluate((el) => el.closest('.stat')?.getAttribute('title') ?? '');
        assert.match(title, /default tier/, 'the routing baseline is in the tooltip');
      }));

    test('the dashboard at 320 px has no horizontal scroll', () =>
      journey(vs, 'dashboard-320', async (vs) => {
        await vs.runCommand('View: Close Primary Side Bar');
        await vs.runCommand('View: Close All Editor Groups');
        await vs.page.setViewportSize({ width: 370, height: 900 });
        await vs.runCommand('Tally: Open Spend Dashboard');
        const dashboard = await vs.webviewWith(byTestId('recent-table'), 60_000);
        const size = await dashboard.evaluate(() => ({
          width: document.documentElement.clientWidth,
          scroll: document.documentElement.scrollWidth,
        }));
        assert.ok(size.width <= 330, `the webview is ${size.width} px wide`);
        assert.ok(size.scroll <= size.width, `content ${size.scroll} px in a ${size.width} px panel`);
      }));
  });
