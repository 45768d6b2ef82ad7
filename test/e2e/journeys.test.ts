// The main journeys of issue 5 in a real VS Code (code-server + headless Chromium), walked as a user
// would, once per theme, each leaving a screenshot in test-results/e2e/<journey>-<theme>.png.
// Run with `npm run test:e2e` (installs the tools and packages the .vsix first); see README.md here.
//
// The journeys of one theme share one VS Code and run in order: the answer sent in "send" is what
// the status bar, the dashboard and the budget journeys then see.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_KEY, fakeControl, messagesRequests, VsCodeSession, waitUntil, type Theme } from './harness';
import { activated, byTestId, dollars, inChat, journey, openChatAndType, SPEND_TODAY } from './steps';

const THEMES = (process.env.TALLY_E2E_THEMES ?? 'light,dark,high-contrast').split(',').map((name) => name.trim()) as Theme[];
const COMMAND_TITLES = [
  'Tally: Open Chat',
  'Tally: Open Chat in Side Bar',
  'Tally: Open Spend Dashboard',
  'Tally: Set Anthropic API Key',
  'Tally: Set Budget',
  'Tally: Export Spend (CSV or JSON)',
];
/** Shown only with a selection (or a prompt file), and with a stored key to clear. */
const HIDDEN_UNTIL_NEEDED = ['Tally: Estimate Cost of Selection', 'Tally: Send Selection to Chat', 'Tally: Clear Anthropic API Key'];
const CODE_FILE = 'src/config.ts';
const CODE = [
  'export function parseConfig(text: string): Record<string, string> {',
  '  const entries: Record<string, string> = {};',
  "  for (const line of text.split('\\n')) {",
  "    const [key, value] = line.split('=');",
  '    if (key && value) entries[key.trim()] = value.trim();',
  '  }',
  '  return entries;',
  '}',
  '',
].join('\n');
const TIERS = ['haiku', 'sonnet', 'opus'] as const;
const PROMPT = 'Refactor parseConfig in src/config.ts so that it reports the line of a bad entry, and add unit tests for it';

/** The ids of the status bar entries Tally contributes (VS Code prefixes them with the extension's id). */
async function tallyStatusItems(vs: VsCodeSession): Promise<string[]> {
  return vs.page.locator('.statusbar [id^="tally-dev.tally"]').evaluateAll((items) => items.map((item) => item.id));
}

/** A row of a tree view in the Tally side bar, by the view's title and the row's label. */
function treeRow(vs: VsCodeSession, view: string, label: string | RegExp) {
  return vs.page
    .locator('.pane')
    .filter({ has: vs.page.locator('.pane-header').filter({ hasText: view }) })
    .locator('.monaco-list-row')
    .filter({ hasText: label })
    .first();
}

async function spendToday(vs: VsCodeSession): Promise<string> {
  return (await vs.statusBarItem(SPEND_TODAY).innerText({ timeout: 5_000 })).trim();
}

for (const theme of THEMES) {
  describe(`Tally in VS Code (${theme} theme)`, { timeout: 15 * 60_000 }, () => {
    let vs: VsCodeSession | undefined;
    let spendBeforeSend = '';
    let answeredBy = '';

    before(async () => {
      vs = await VsCodeSession.start({ name: `journeys-${theme}`, theme, workspaceFiles: { [CODE_FILE]: CODE } });
      console.log(`start-up seconds: ${JSON.stringify(vs.timings)}`);
    });
    after(async () => {
      await vs?.stop();
    });

    test('the extension activates: spend in the status bar, the Tally commands in the palette, selection ones hidden', () =>
      journey(vs, 'activate', async (vs) => {
        console.log(`spend item visible ${(await activated(vs)).toFixed(1)} s after the workbench`);
        let missing = COMMAND_TITLES;
        let labels: string[] = [];
        await waitUntil(
          'every Tally command in the palette',
          async () => {
            labels = await vs.paletteCommands('Tally:');
            missing = COMMAND_TITLES.filter((title) => !labels.includes(title));
            return missing.length === 0;
          },
          30_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}; missing: ${missing.join(', ')}`);
        });
        const shown = HIDDEN_UNTIL_NEEDED.filter((title) => labels.includes(title));
        assert.deepEqual(shown, [], 'with nothing selected and no stored key, these stay out of the palette');
        assert.deepEqual(await tallyStatusItems(vs), ['tally-dev.tally.tally.spend'], 'exactly one Tally status bar item');
      }));

    test("typing a prompt shows each tier's cost and a recommended tier with its reasons", () =>
      journey(vs, 'estimate', async (vs) => {
        // The estimate follows the keystrokes: half the prompt, then the rest, costs more tokens.
        const half = PROMPT.slice(0, PROMPT.length / 2);
        const chat = await openChatAndType(vs, half);
        const sonnetTokens = chat.locator(byTestId('tier-tokens-sonnet'));
        const tokensForHalf = await waitUntil(
          'a token count for the half-typed prompt',
          async () => Number((await sonnetTokens.innerText()).trim()) || undefined,
          15_000,
        );
        await chat.locator(byTestId('prompt-input')).pressSequentially(PROMPT.slice(half.length), { delay: 5 });
        await waitUntil(
          `the token count to grow past ${tokensForHalf} as the prompt is typed`,
          async () => Number((await sonnetTokens.innerText()).trim()) > tokensForHalf,
          15_000,
        );

        assert.notEqual(await chat.locator(byTestId('tier-details')).getAttribute('open'), null, 'a wide chat shows the tier table');
        const costs: Record<string, number> = {};
        for (const tier of TIERS) {
          const cell = chat.locator(byTestId(`tier-cost-${tier}`));
          await waitUntil(`a cost for the ${tier} tier`, async () => /\$\d/.test(await cell.innerText()), 15_000);
          costs[tier] = dollars(await cell.innerText());
          assert.match(await chat.locator(byTestId(`tier-tokens-${tier}`)).innerText(), /\d/, `${tier} token count`);
        }
        assert.ok(
          costs.haiku! > 0 && costs.haiku! < costs.sonnet! && costs.sonnet! < costs.opus!,
          `tier costs should rise haiku < sonnet < opus: ${JSON.stringify(costs)}`,
        );
        const recommended = chat.locator(byTestId('recommendation-tier'));
        await recommended.waitFor({ state: 'visible', timeout: 15_000 });
        assert.match(await recommended.innerText(), /Recommended: (Haiku|Sonnet|Opus)/i);
        const reasons = chat.locator(`${byTestId('recommendation-reasons')} li`);
        assert.ok((await reasons.count()) > 0, 'the recommendation gives no reasons');
        assert.notEqual((await reasons.first().innerText()).trim(), '', 'the first reason is empty');

        // The user can override the recommendation; back on auto, the recommended tier is used again.
        const override = chat.locator(byTestId('tier-override'));
        await override.selectOption('opus');
        await waitUntil(
          'the Opus row to be marked as the chosen tier',
          async () => (await chat.locator(byTestId('tier-estimate-opus')).getAttribute('data-selected')) === 'true',
          10_000,
        );
        await override.selectOption('auto');
        await waitUntil(
          'the recommended row to be chosen again',
          async () =>
            (await chat.locator(`${byTestId('tier-estimates')} [data-recommended="true"]`).getAttribute('data-selected')) === 'true',
          10_000,
        );
      }));

    test('sending streams the answer as Markdown, then shows its cost and the model that answered', () =>
      journey(vs, 'send', async (vs) => {
        spendBeforeSend = await spendToday(vs);
        const requestsBefore = (await messagesRequests(vs.fake)).length;
        // Slow the fake's stream so the answer is seen arriving, not only finished.
        await fakeControl(vs.fake, '/_fake/fault', { type: 'slow', delayMs: 120 });
        const chat = await vs.webviewWith(byTestId('prompt-input'));
        await chat.locator(byTestId('prompt-input')).press('Enter');

        const turn = chat.locator(byTestId('turn')).last();
        await waitUntil(
          'the composer to clear once the message is taken',
          async () => (await chat.locator(byTestId('prompt-input')).inputValue()) === '',
          10_000,
        );
        const partial = await waitUntil(
          'part of the answer while it streams',
          async () => {
            if ((await turn.getAttribute('data-status')) !== 'streaming') return undefined;
            const text = (await turn.locator(byTestId('turn-answer')).innerText()).trim();
            return text.length > 0 ? text : undefined;
          },
          30_000,
        );
        await waitUntil('the turn to finish', async () => (await turn.getAttribute('data-status')) === 'ok', 60_000);
        const answer = (await turn.locator(byTestId('turn-answer')).innerText()).trim();
        assert.ok(answer.length > partial.length, 'the answer did not grow after the first streamed part');
        assert.ok(
          (await turn.locator(`${byTestId('turn-answer')} pre code`).count()) > 0,
          "the answer's code block is not rendered as code",
        );
        const cost = await turn.locator(byTestId('turn-cost')).innerText();
        assert.ok(dollars(cost) > 0, `turn cost should be above $0: "${cost}"`);
        answeredBy = (await turn.locator(byTestId('turn-model')).innerText()).trim();
        assert.match(answeredBy, /claude-/, 'the model that answered is shown');
        const sent = (await messagesRequests(vs.fake)).slice(requestsBefore);
        assert.equal(sent.length, 1, 'exactly one request reached the API');
        assert.equal((sent[0]!.body as { stream?: boolean }).stream, true, 'the request was streamed');
      }));

    test('the status bar spend goes up after the request', () =>
      journey(vs, 'status-bar', async (vs) => {
        assert.ok(spendBeforeSend, 'needs the spend read before sending (the send journey)');
        const after = await waitUntil(
          `the status bar spend to change from "${spendBeforeSend}"`,
          async () => {
            const now = await spendToday(vs);
            return now !== spendBeforeSend ? now : undefined;
          },
          20_000,
        );
        assert.ok(dollars(after) > dollars(spendBeforeSend), `spend went from "${spendBeforeSend}" to "${after}"`);
        await vs.statusBarItem(SPEND_TODAY).hover();
        await vs.page
          .locator('.monaco-hover')
          .filter({ hasText: 'This month' })
          .first()
          .waitFor({ state: 'visible', timeout: 10_000 })
          .catch(() => {
            throw new Error('hovering the spend item shows no breakdown tooltip');
          });
      }));

    test('clicking the spend item shows the Tally side bar: the spend tree has today’s spend and the request', () =>
      journey(vs, 'spend-view', async (vs) => {
        await vs.page.keyboard.press('Escape');
        const today = dollars(await spendToday(vs));
        await vs.statusBarItem(SPEND_TODAY).click();
        const todayRow = treeRow(vs, 'Spend', /^Today/);
        await todayRow.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {
          throw new Error('clicking the spend item showed no Spend view with a Today row');
        });
        const todayText = await todayRow.innerText();
        assert.match(todayText, /1 request/, `today's row: "${todayText}"`);
        assert.equal(dollars(todayText), today, "the tree's today matches the status bar");
        const model = /claude-[\w.-]+/.exec(answeredBy)?.[0] ?? 'claude-';
        const recent = treeRow(vs, 'Spend', new RegExp(`\\$\\d[\\d.]* ${model.replace(/[.]/g, '\\.')}`));
        await recent.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
          throw new Error(`no recent request naming ${model} in the Spend view`);
        });
        assert.match(await treeRow(vs, 'Spend', /^Budget/).innerText(), /none set/);
        const width = await vs.page.locator('.part.sidebar').evaluate((element) => element.getBoundingClientRect().width);
        console.log(`side bar width ${Math.round(width)} px`);
      }));

    test('the spend view opens the dashboard, with the request charted and in the recent requests', () =>
      journey(vs, 'dashboard', async (vs) => {
        await treeRow(vs, 'Spend', 'Open spend dashboard').click();
        const dashboard = await vs.webviewWith(byTestId('recent-table'));
        const rows = dashboard.locator(byTestId('recent-row'));
        assert.equal(await rows.count(), 1, 'one request in the recent requests table');
        const model = /claude-[\w.-]+/.exec(answeredBy)?.[0] ?? 'claude-';
        assert.match(await rows.first().innerText(), new RegExp(model.replace(/[.]/g, '\\.')), 'the row names the model that answered');
        assert.ok(dollars(await dashboard.locator(byTestId('today-spend')).innerText()) > 0, "today's spend on the dashboard");
        const chart = dashboard.locator(byTestId('chart-daily-by-model'));
        await chart.waitFor({ state: 'visible', timeout: 10_000 });
        const drawn = await chart.evaluate((canvas) => (canvas as HTMLCanvasElement).width > 0 && (canvas as HTMLCanvasElement).height > 0);
        assert.ok(drawn, 'the daily spend chart has no size');
        assert.match(
          await dashboard.locator(byTestId('chart-daily-by-model-summary')).innerText(),
          new RegExp(model.replace(/[.]/g, '\\.')),
          "the chart's summary names the model",
        );
      }));

    test('selecting code puts its estimate in the one Tally status bar item’s tooltip; the key binding prices it per tier', () =>
      journey(vs, 'selection', async (vs) => {
        await vs.page.keyboard.press('Escape');
        await vs.page.keyboard.press('Control+P');
        const input = vs.page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill('config.ts');
        await vs.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'config.ts' }).first().waitFor({ timeout: 15_000 });
        await input.press('Enter');
        const editor = vs.page.locator('.editor-instance .monaco-editor').filter({ hasText: 'parseConfig' }).first();
        await editor.waitFor({ state: 'visible', timeout: 15_000 });
        await editor.locator('.view-lines').click();
        await vs.page.keyboard.press('Control+A');

        const item = vs.statusBarItem(SPEND_TODAY);
        const tooltip = await waitUntil(
          'the spend item’s tooltip to carry the selection’s estimate',
          async () => {
            // A tooltip already shown keeps its old text: move away, hover again, give it time to appear.
            await vs.page.mouse.move(600, 400);
            await item.hover();
            const hover = vs.page.locator('.monaco-hover').filter({ hasText: 'Cost of sending the selection' }).first();
            const shown = await hover.waitFor({ state: 'visible', timeout: 4_000 }).then(
              () => true,
              () => false,
            );
            return shown ? hover.innerText() : undefined;
          },
          30_000,
        );
        console.log(`screenshot: ${await vs.screenshot('selection-tooltip')}`);
        assert.match(tooltip, /config\.ts/, 'names the file');
        for (const tier of ['Haiku', 'Sonnet', 'Opus']) assert.match(tooltip, new RegExp(`${tier}[^$]*\\$\\d`), `${tier} is priced`);
        assert.match(tooltip, /This month/, 'the spend breakdown is still there');
        assert.deepEqual(await tallyStatusItems(vs), ['tally-dev.tally.tally.spend'], 'still one Tally status bar item');
        const label = await item.evaluate((element) => (element.closest('[aria-label]') ?? element).getAttribute('aria-label'));
        assert.match(label ?? '', /Sending the selection: about \d+ tokens/, 'a screen reader hears the estimate too');

        await vs.page.mouse.move(600, 400);
        await editor.locator('.view-lines').click();
        await vs.page.keyboard.press('Control+A');
        await vs.page.keyboard.press('Control+Shift+Alt+E');
        const pick = vs.page.locator('.quick-input-widget').filter({ hasText: 'cost of sending the selection' });
        await pick.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {
          throw new Error('Ctrl+Shift+Alt+E with a selection opened no estimate quick pick');
        });
        assert.equal(await pick.locator('.monaco-list-row').count(), 4, 'three tiers and "send to chat"');
        const labels = await vs.paletteCommands('Tally:');
        assert.ok(labels.includes('Tally: Estimate Cost of Selection'), 'with a selection the palette offers the estimate');
      }));

    test('the chat in the Tally side bar renders at the side bar’s width, sends through the same session as the editor tab', () =>
      journey(vs, 'side-bar-chat', async (vs) => {
        await vs.page.keyboard.press('Escape');
        // From the Explorer, the Tally icon in the activity bar brings the Tally side bar back.
        await vs.page.locator('.activitybar [aria-label^="Explorer"]').first().click();
        await vs.page.locator('.pane-header').filter({ hasText: 'Chat' }).first().waitFor({ state: 'hidden', timeout: 10_000 });
        await vs.page.locator('.activitybar [aria-label^="Tally"]').first().click();
        const chat = await vs.webviewWith(inChat('view', 'prompt-input'));
        const input = chat.locator(byTestId('prompt-input'));
        const width = await chat.evaluate(() => document.documentElement.clientWidth);
        const overflow = await chat.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        console.log(`side bar chat ${width} px wide, ${overflow} px of horizontal overflow`);
        assert.ok(width < 400, `the chat view is side-bar wide (${width} px)`);
        assert.ok(overflow <= 0, `nothing sticks out sideways at ${width} px (${overflow} px overflow)`);
        // The conversation so far (sent from the editor tab) is here too.
        assert.ok((await chat.locator(byTestId('turn')).count()) >= 1, 'the side bar shows the conversation of the editor tab');
        await input.click();
        await input.pressSequentially('Add a test for a line without "="', { delay: 5 });
        // The side bar folds the per-tier table into one line of costs, so the conversation keeps the room.
        const summary = chat.locator(byTestId('tier-summary'));
        await waitUntil(
          'every tier priced for the side bar draft',
          async () => /Haiku.*\$\d.*Sonnet.*\$\d.*Opus.*\$\d/.test(await summary.innerText()),
          15_000,
        );
        assert.equal(await chat.locator(byTestId('tier-details')).getAttribute('open'), null, 'the tier table starts folded');
        const requestsBefore = (await messagesRequests(vs.fake)).length;
        const turnsBefore = await chat.locator(byTestId('turn')).count();
        await input.press('Enter');
        const turn = chat.locator(byTestId('turn')).nth(turnsBefore);
        await waitUntil(
          'the side bar turn to finish',
          async () => (await turn.getAttribute('data-status', { timeout: 1_000 }).catch(() => null)) === 'ok',
          60_000,
        );
        assert.match(await turn.locator(byTestId('turn-model')).innerText(), /claude-/);
        assert.equal((await messagesRequests(vs.fake)).length - requestsBefore, 1, 'one request reached the API');
        // The editor tab (behind the dashboard by now) shows it too once brought forward.
        await vs.runCommand('Tally: Open Chat');
        const panel = await vs.webviewWith(inChat('panel', 'prompt-input'));
        await waitUntil(
          'the editor tab to show the turn sent from the side bar',
          async () => (await panel.locator(byTestId('turn')).last().innerText()).includes('without "="'),
          15_000,
        );
        await waitUntil(
          'the spend tree to count both requests today',
          async () => /2 requests/.test(await treeRow(vs, 'Spend', /^Today/).innerText()),
          20_000,
        );
      }));

    test('with a wrong API key set, sending shows a clear error that offers to set the key, without showing it', () =>
      journey(vs, 'wrong-key', async (vs) => {
        const wrongKey = 'sk-ant-not-the-right-key-0000';
        await vs.runCommand('Tally: Set Anthropic API Key');
        await vs.answerInputBox(wrongKey);
        const requestsBefore = (await messagesRequests(vs.fake)).length;
        const chat = await openChatAndType(vs, 'Explain what a closure is in one paragraph');
        await chat.locator(byTestId('prompt-input')).press('Enter');
        const error = await waitUntil(
          'an error about the API key',
          async () => {
            for (const id of ['notice-message', 'turn-error']) {
              const element = chat.locator(byTestId(id)).first();
              if (await element.isVisible()) return element.innerText();
            }
            return undefined;
          },
          30_000,
        );
        assert.match(error, /key/i, `the error should say the key is the problem: "${error}"`);
        for (const key of [wrongKey, API_KEY]) assert.ok(!error.includes(key), 'the error shows a key');
        assert.ok(await chat.locator(byTestId('notice-action')).isVisible(), 'the notice offers "Set API key"');
        const rejected = (await messagesRequests(vs.fake)).slice(requestsBefore);
        assert.ok(rejected.length > 0 && rejected.every((request) => request.status === 401), 'the API answered 401');
      }));

    test('over a tiny daily budget, sending is refused with a dialog offering "Send anyway"', () =>
      journey(vs, 'budget', async (vs) => {
        // Back to the environment's key (which the fake accepts) after the wrong-key journey.
        await vs.runCommand('Tally: Clear Anthropic API Key');
        await vs.runCommand('Tally: Set Budget');
        await vs.pickQuickItem('Daily budget');
        await vs.answerInputBox('0.0001');
        await waitUntil(
          'the spend item to turn to the error colour',
          async () =>
            vs.statusBarItem(SPEND_TODAY).evaluate((item) => (item.closest('.statusbar-item') ?? item).classList.contains('error-kind')),
          15_000,
        );
        const requestsBefore = (await messagesRequests(vs.fake)).length;
        const chat = await openChatAndType(vs, 'Now add a test for an empty config file');
        await chat.locator(byTestId('prompt-input')).press('Enter');
        const dialog = chat.locator(byTestId('budget-dialog'));
        await dialog.waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {
          throw new Error('no budget refusal dialog appeared after sending over budget');
        });
        assert.match(await chat.locator(byTestId('budget-message')).innerText(), /budget/i);
        assert.ok(await chat.locator(byTestId('budget-send-anyway')).isVisible(), 'the dialog offers "Send anyway"');
        assert.equal((await messagesRequests(vs.fake)).length, requestsBefore, 'nothing was sent while the dialog is open');
      }));

    test('the walkthrough lists its four steps; a step’s button runs its command and checks the step', () =>
      journey(vs, 'walkthrough', async (vs) => {
        await vs.runCommand('Welcome: Open Walkthrough...');
        await vs.pickQuickItem('Get started with Tally');
        const step = (title: string) => vs.page.locator('.getting-started-step').filter({ hasText: title }).first();
        const checked = async (title: string) =>
          (await step(title).locator('[data-done-step-id]').first().getAttribute('aria-checked', { timeout: 2_000 })) === 'true';
        for (const title of ['Set an API key or point at a gateway', 'Set a budget', 'See an estimate before sending', 'Meter Claude Code'])
          await step(title)
            .waitFor({ state: 'attached', timeout: 20_000 })
            .catch(() => {
              throw new Error(`the walkthrough has no step "${title}"`);
            });
        // A step's own button runs its command, and that command is the step's completion event.
        const budget = step('Set a budget');
        await budget.click();
        await vs.page
          .locator('.getting-started-step a, .getting-started-step button')
          .filter({ hasText: /^Set Budget$/ })
          .first()
          .click();
        await vs.page.locator('.quick-input-widget').waitFor({ state: 'visible', timeout: 10_000 });
        await vs.page.keyboard.press('Escape');
        await waitUntil('the walkthrough step "Set a budget" to be checked', async () => checked('Set a budget'), 15_000);
        assert.ok(!(await checked('Meter Claude Code')), 'the gateway step is still to do');

        // Ctrl+Shift+Alt+T brings the chat back from anywhere.
        await vs.page.keyboard.press('Control+Shift+Alt+T');
        await vs.page
          .locator('.tabs-container .tab.active')
          .filter({ hasText: 'Tally Chat' })
          .first()
          .waitFor({ state: 'visible', timeout: 10_000 })
          .catch(() => {
            throw new Error('Ctrl+Shift+Alt+T did not bring the Tally Chat tab forward');
          });
      }));
  });
}
