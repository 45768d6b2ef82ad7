// The main journeys of issue 5 in a real VS Code (code-server + headless Chromium), walked as a user
// would, once per theme, each leaving a screenshot in test-results/e2e/<journey>-<theme>.png.
// Run with `npm run test:e2e` (installs the tools and packages the .vsix first); see README.md here.
//
// The journeys of one theme share one VS Code and run in order: the answer sent in "send" is what
// the status bar, the dashboard and the budget journeys then see.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_KEY, fakeControl, messagesRequests, VsCodeSession, waitUntil, type Theme } from './harness';
import { activated, byTestId, dollars, journey, openChatAndType, SPEND_TODAY } from './steps';

const THEMES = (process.env.TALLY_E2E_THEMES ?? 'light,dark').split(',').map((name) => name.trim()) as Theme[];
const COMMAND_TITLES = [
  'Tally: Open Chat',
  'Tally: Open Spend Dashboard',
  'Tally: Estimate Cost of Selection',
  'Tally: Send Selection to Chat',
  'Tally: Set Anthropic API Key',
  'Tally: Clear Anthropic API Key',
  'Tally: Set Budget',
  'Tally: Export Spend (CSV or JSON)',
];
const TIERS = ['haiku', 'sonnet', 'opus'] as const;
const PROMPT = 'Refactor parseConfig in src/config.ts so that it reports the line of a bad entry, and add unit tests for it';

async function spendToday(vs: VsCodeSession): Promise<string> {
  return (await vs.statusBarItem(SPEND_TODAY).innerText({ timeout: 5_000 })).trim();
}

for (const theme of THEMES) {
  describe(`Tally in VS Code (${theme} theme)`, { timeout: 15 * 60_000 }, () => {
    let vs: VsCodeSession | undefined;
    let spendBeforeSend = '';
    let answeredBy = '';

    before(async () => {
      vs = await VsCodeSession.start({ name: `journeys-${theme}`, theme });
      console.log(`start-up seconds: ${JSON.stringify(vs.timings)}`);
    });
    after(async () => {
      await vs?.stop();
    });

    test('the extension activates: spend in the status bar, every Tally command in the palette', () =>
      journey(vs, 'activate', async (vs) => {
        console.log(`spend item visible ${(await activated(vs)).toFixed(1)} s after the workbench`);
        let missing = COMMAND_TITLES;
        await waitUntil(
          'every Tally command in the palette',
          async () => {
            const labels = await vs.paletteCommands('Tally:');
            missing = COMMAND_TITLES.filter((title) => !labels.includes(title));
            return missing.length === 0;
          },
          30_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}; missing: ${missing.join(', ')}`);
        });
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

    test('clicking the spend opens the dashboard, with the request charted and in the recent requests', () =>
      journey(vs, 'dashboard', async (vs) => {
        await vs.page.keyboard.press('Escape');
        await vs.statusBarItem(SPEND_TODAY).click();
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
  });
}
