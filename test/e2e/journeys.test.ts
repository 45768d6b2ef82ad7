// The main journeys of issue 5 in a real VS Code (code-server + headless Chromium), walked as a user
// would, once per theme, each leaving a screenshot in test-results/e2e/<journey>-<theme>.png.
// Run with `npm run test:e2e` (installs the tools and packages the .vsix first); see README.md here.
import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VsCodeSession, type Theme } from './harness';

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
const SPEND_TODAY = /\$\d+\.\d{2,} today/;

/** Runs one journey and saves its screenshot whether it passed or not. */
async function journey(vs: VsCodeSession | undefined, name: string, walk: (vs: VsCodeSession) => Promise<void>): Promise<void> {
  assert.ok(vs, 'VS Code did not start (see the error in `before`)');
  try {
    await walk(vs);
  } finally {
    const path = await vs.screenshot(name).catch(() => undefined);
    if (path) console.log(`screenshot: ${path}`);
  }
}

for (const theme of THEMES) {
  describe(`Tally in VS Code (${theme} theme)`, { timeout: 15 * 60_000 }, () => {
    let vs: VsCodeSession | undefined;

    before(async () => {
      vs = await VsCodeSession.start({ name: `journeys-${theme}`, theme });
      console.log(`start-up seconds: ${JSON.stringify(vs.timings)}`);
    });
    after(async () => {
      await vs?.stop();
    });

    test('the extension activates: spend in the status bar, every Tally command in the palette', () =>
      journey(vs, 'activate', async (vs) => {
        const started = Date.now();
        await vs.statusBarItem(SPEND_TODAY).waitFor({ timeout: 60_000 }).catch(() => {
          throw new Error('no "$N.NN today" spend item appeared in the status bar within 60 s: did the extension activate?');
        });
        console.log(`spend item visible ${((Date.now() - started) / 1000).toFixed(1)} s after the workbench`);
        const labels = await vs.paletteCommands('Tally:');
        assert.deepEqual(COMMAND_TITLES.filter((title) => !labels.includes(title)), [], `palette shows: ${labels.join(', ')}`);
      }));
  });
}
