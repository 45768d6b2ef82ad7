// `tally statusline` as the real Claude Code's status-line command, in an interactive session on a
// pseudo-terminal (util-linux `script`): Claude Code runs it with its status JSON, shows the line, and
// after a turn the line includes that turn's spend (imported from the session's log).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import { formatUsd } from '../../src/core/format.js';
import { openLedger } from '../../src/core/ledger/index.js';
import { startFakeAnthropic } from '../../src/simulator/server.js';
import { claudeHome, clientToolsOrSkip } from './claudeCode.js';

// Claude Code asks whether to use an API key from the environment unless its last 20 characters were approved.
const KEY = 'sk-ant-statusline';
const CLI = resolve(__dirname, '../../dist/cli.js');
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[\]P^_][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>78]/g;

async function until(condition: () => boolean, what: string, timeoutMs = 20_000, show: () => string = () => ''): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${show().slice(-3000)}`);
    await delay(100);
  }
}

test('Claude Code shows tally statusline, and after a turn it includes the turn’s cost', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  if (spawnSync('script', ['--version']).status !== 0) return t.skip('util-linux `script` (for a pseudo-terminal) is not installed');
  if (!existsSync(CLI)) return t.skip('dist/cli.js is not built (npm run build)');

  const root = mkdtempSync(join(tmpdir(), 'tally-statusline-'));
  const fake = await startFakeAnthropic({ apiKeys: [KEY] });
  t.after(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });
  const home = claudeHome(root);
  const project = join(root, 'proj');
  const ledger = join(root, 'ledger');
  const seen = join(root, 'status-input.json');
  mkdirSync(project);
  const command = `tee '${seen}' | '${process.execPath}' '${CLI}' statusline --ledger '${ledger}' --daily-budget 5`;
  writeFileSync(join(home.configDir, 'settings.json'), JSON.stringify({ statusLine: { type: 'command', command } }));
  writeFileSync(
    join(home.configDir, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: 'dark',
      customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] },
      projects: { [project]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
    }),
  );

  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    TERM: 'xterm-256color',
    HOME: home.home,
    CLAUDE_CONFIG_DIR: home.configDir,
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  // Its own process group, so the session (script and Claude Code under it) is ended by its id.
  const session = spawn('script', ['-qfc', tools.claudeBin, '/dev/null'], {
    cwd: project,
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  session.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  t.after(() => {
    try {
      process.kill(-session.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  const shown = () => screen.replace(ANSI, '');

  await until(() => shown().includes('Tally proj: $0.00 today of $5.00 (0%)'), 'the first status line');
  session.stdin.write('hello there [[tokens:30]]');
  await delay(500);
  session.stdin.write('\r');
  await until(() => fake.requests.length > 0, 'the turn');
  // The line's own import records the turn; the terminal then redraws only the cells that changed.
  await until(() => openLedger(ledger).query().entries.length > 0, 'the turn in the ledger', 20_000, shown);
  const [entry] = openLedger(ledger).query().entries;
  assert.equal(entry!.requestId, fake.requests[0]!.requestId, 'the turn was imported from the session log');
  const percent = `(${Math.round((entry!.usd / 5) * 100)}%)`;
  // Only changed cells are redrawn, so the new figures arrive in pieces: look for the parts that change.
  const digits = formatUsd(entry!.usd).replace(/^\$0\.0*/, '');
  await until(() => shown().includes(percent) && shown().includes(digits), 'the new line on screen', 20_000, shown);

  const status = JSON.parse(readFileSync(seen, 'utf8')) as {
    workspace: { project_dir: string };
    transcript_path: string;
    cost: { total_cost_usd: number };
  };
  assert.equal(status.workspace.project_dir, project);
  assert.ok(status.transcript_path.startsWith(join(home.configDir, 'projects')));
  assert.ok(Math.abs(status.cost.total_cost_usd - entry!.usd) < 1e-9, 'Claude Code’s session cost is what Tally recorded');
});
