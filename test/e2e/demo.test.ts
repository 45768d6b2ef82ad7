// Issue 12's promise, checked as a newcomer would meet it: a clean clone, `npm ci`, `npm run demo`
// with no key. The printed URL opens a VS Code with Tally's spend in the status bar, the chat answers
// through the simulated API with a cost, the dashboard shows the seeded weeks, and Ctrl+C leaves
// no process and no profile behind.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, messagesRequests, REPO_ROOT, VsCodeSession, waitUntil, type FakeAnthropic } from './harness';
import { activated, byTestId, dollars, journey, openChatAndType, SPEND_TODAY } from './steps';

interface RunningDemo {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDemo(cloneDir: string, port: number): RunningDemo {
  const env: NodeJS.ProcessEnv = { ...process.env, TALLY_DEMO_PORT: String(port) };
  delete env['ANTHROPIC_API_KEY'];
  // Its own process group, as a terminal's foreground job is, so Ctrl+C can be sent the same way.
  const child = spawn('npm', ['run', 'demo', '--', '--no-open'], { cwd: cloneDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => printed, exited };
}

/** Processes whose command line names `needle` (the profile folder every demo process is started with). */
function processesNaming(needle: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

describe('npm run demo from a clean clone, with no key', { timeout: 20 * 60_000 }, () => {
  let cloneDir = '';
  let demo: RunningDemo | undefined;
  let vs: VsCodeSession | undefined;
  let url = '';
  let profileRoot = '';
  let simulated: FakeAnthropic | undefined;
  const timings: Record<string, number> = {};

  before(async () => {
    cloneDir = join(mkdtempSync(join(tmpdir(), 'tally-demo-clone-')), 'tally');
    let since = Date.now();
    const clone = spawnSync('git', ['clone', '--quiet', '--no-local', REPO_ROOT, cloneDir], { encoding: 'utf8' });
    assert.equal(clone.status, 0, `git clone failed: ${clone.stderr}`);
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: cloneDir, encoding: 'utf8', timeout: 10 * 60_000 });
    assert.equal(ci.status, 0, `npm ci in the clone failed:\n${(ci.stdout + ci.stderr).slice(-3000)}`);
    timings['clone + npm ci'] = (Date.now() - since) / 1000;

    since = Date.now();
    demo = startDemo(cloneDir, await freePort());
    url = await waitUntil(
      'npm run demo to print the URL',
      async () => {
        if (demo!.child.exitCode !== null) throw new Error(`npm run demo exited (${demo!.child.exitCode}):\n${demo!.output()}`);
        return /Open Tally's demo: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(demo!.output())?.[1];
      },
      10 * 60_000,
    );
    timings['npm run demo to URL'] = (Date.now() - since) / 1000;
    profileRoot = /profile (\S+) \(removed on Ctrl\+C\)/.exec(demo.output())?.[1] ?? '';
    const apiUrl = /simulated Anthropic API at (\S+)/.exec(demo.output())?.[1];
    assert.ok(profileRoot && apiUrl, `the demo names its profile and simulated API:\n${demo.output()}`);
    // The demo owns the simulated API: the test only reads what reached it.
    simulated = { url: apiUrl, port: Number(new URL(apiUrl).port), stop: async () => undefined };
    vs = await VsCodeSession.attach({ url, name: 'demo', theme: 'dark', api: simulated });
  });

  after(async () => {
    await vs?.stop();
    if (demo?.child.pid && demo.child.exitCode === null && demo.child.signalCode === null) {
      try {
        process.kill(-demo.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (cloneDir) rmSync(join(cloneDir, '..'), { recursive: true, force: true });
    console.log(`demo timings (s): ${JSON.stringify(timings)}`);
  });

  test('the URL is loopback and the demo said which API answers', () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?folder=/);
    assert.match(demo!.output(), /no ANTHROPIC_API_KEY: starting the simulated Anthropic API/);
  });

  test('VS Code shows the seeded spend in the status bar', () =>
    journey(vs, 'demo-status-bar', async (vs) => {
      await activated(vs);
      const spend = dollars(await vs.statusBarItem(SPEND_TODAY).innerText());
      assert.ok(spend > 0, `today's sample spend shows: $${spend}`);
    }));

  test('the chat says the API is simulated, keeps the earlier conversation and answers with a cost', () =>
    journey(vs, 'demo-chat', async (vs) => {
      const chat = await openChatAndType(vs, 'Why does discountAmount in discounts.ts give fractions of a cent?');
      assert.match(await chat.locator(byTestId('api-note')).innerText(), /Simulated API/);
      await chat.locator(byTestId('history-toggle')).click();
      assert.match(await chat.locator(byTestId('history-list')).innerText(), /sample/i, 'the seeded conversation is in the history');
      await chat.locator(byTestId('history-toggle')).click();
      const before = (await messagesRequests(simulated!)).length;
      await chat.locator(byTestId('prompt-input')).press('Enter');
      const turn = chat.locator(byTestId('turn')).last();
      await waitUntil('the simulated answer', async () => (await turn.getAttribute('data-status')) === 'ok', 90_000);
      assert.ok(dollars(await turn.locator(byTestId('turn-cost')).innerText()) > 0, 'the answer has a cost');
      assert.match(await turn.innerText(), /discountAmount/, 'the simulated answer is about the question');
      assert.equal((await messagesRequests(simulated!)).length, before + 1, 'one request reached the simulated API');
    }));

  test('the dashboard shows the seeded weeks, marked as sample and simulated', () =>
    journey(vs, 'demo-dashboard', async (vs) => {
      // The spend item opens the Tally side bar; the dashboard is a command (and a row of its Spend tree).
      await vs.runCommand('Tally: Open Spend Dashboard');
      const dashboard = await vs.webviewWith(byTestId('recent-table'), 60_000);
      const notes = await dashboard.locator(byTestId('data-note')).allInnerTexts();
      assert.ok(
        notes.some((note) => /Simulated API/.test(note)),
        `notes: ${notes.join(' | ')}`,
      );
      assert.ok(
        notes.some((note) => /sample spend seeded by the demo/.test(note)),
        `notes: ${notes.join(' | ')}`,
      );
      const days = new Set<string>();
      for (const row of await dashboard.locator(`${byTestId('recent-row')}`).allInnerTexts()) {
        if (/sample/.test(row)) days.add(row.split(',')[0]!);
      }
      assert.ok(days.size >= 2, `sample rows from more than one day: ${[...days].join(', ')}`);
    }));

  test('Ctrl+C stops everything the demo started and removes its profile', async () => {
    assert.ok(demo?.child.pid);
    assert.ok(processesNaming(profileRoot).length > 0, 'code-server runs with the profile before Ctrl+C');
    await vs?.stop();
    vs = undefined;
    process.kill(-demo.child.pid, 'SIGINT');
    await waitUntil(
      'npm run demo to exit after Ctrl+C',
      async () => demo!.child.exitCode !== null || demo!.child.signalCode !== null,
      30_000,
    );
    await waitUntil('every demo process to be gone', async () => processesNaming(profileRoot).length === 0, 15_000).catch(() => {
      throw new Error(`still running after Ctrl+C:\n${processesNaming(profileRoot).join('\n')}`);
    });
    assert.equal(existsSync(profileRoot), false, 'the profile is removed');
    const simulatorUp = await fetch(simulated!.url).then(
      () => true,
      () => false,
    );
    assert.equal(simulatorUp, false, 'the simulated API is stopped');
    assert.match(demo.output(), /stopped code-server and the simulated API; removed the demo profile/);
    assert.ok(readdirSync(tmpdir()).every((name) => !profileRoot.endsWith(name)));
  });
});
