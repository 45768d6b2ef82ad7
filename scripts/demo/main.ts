// `npm run demo`: the whole product in a real VS Code in the browser, with no key needed.
// Builds and packages the extension, installs code-server on first use (cached outside the repo),
// makes a throw-away profile with a sample workspace and two weeks of sample spend, starts the
// simulated Anthropic API (unless ANTHROPIC_API_KEY is set), and prints the one URL to open.
// Ctrl+C stops everything it started and removes the profile.
//
//   npm run demo [-- --no-open]        TALLY_DEMO_PORT=8790 chooses the port
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { openInBrowser, portIsFree, startCodeServer, type CodeServer } from './processes.js';
import { createProfile, DEMO_DAILY_BUDGET_USD, DEMO_TODAY_USD, REPO_ROOT, type DemoProfile } from './profile.js';

const DEFAULT_PORT = 8790;
const STEPS = 5;
const started = Date.now();
const say = (line: string) => console.log(`demo: ${line}`);
const step = (index: number, what: string) => say(`[${index}/${STEPS}] ${what}`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

const { values } = parseArgs({ options: { 'no-open': { type: 'boolean', default: false } } });

let simulator: FakeAnthropic | undefined;
let codeServer: CodeServer | undefined;
let profile: DemoProfile | undefined;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await codeServer?.stop();
    await simulator?.close();
    if (profile) rmSync(profile.root, { recursive: true, force: true });
    if (codeServer) say('stopped code-server and the simulated API; removed the demo profile');
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stopAll(0));

function fail(message: string): Promise<never> {
  console.error(`demo: ${message}`);
  return stopAll(1);
}

async function choosePort(): Promise<number> {
  const asked = process.env['TALLY_DEMO_PORT'];
  if (asked !== undefined && asked !== '') {
    const port = Number(asked);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`TALLY_DEMO_PORT must be a port number (1-65535), got "${asked}"`);
    if (!(await portIsFree(port))) return fail(`port ${port} (TALLY_DEMO_PORT) is in use; choose another`);
    return port;
  }
  return (await portIsFree(DEFAULT_PORT)) ? DEFAULT_PORT : 0;
}

async function main(): Promise<void> {
  const port = await choosePort();

  step(1, 'building and packaging the extension');
  let since = Date.now();
  const packaged = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (packaged.status !== 0) {
    const tail = `${packaged.stdout}\n${packaged.stderr}`.trim().split('\n').slice(-20).join('\n');
    return fail(`\`npm run package\` failed:\n${tail}`);
  }
  const vsix = join(REPO_ROOT, 'dist/tally.vsix');
  say(`      dist/tally.vsix, ${Math.round(statSync(vsix).size / 1024)} KiB, in ${seconds(since)}`);

  step(2, 'VS Code in the browser (code-server; installed once into your cache, reused afterwards)');
  since = Date.now();
  const { ensureE2eTools } = await import('../e2e-install.mjs');
  const tools = ensureE2eTools({ browser: false });
  say(`      ready in ${seconds(since)}`);

  const key = process.env['ANTHROPIC_API_KEY']?.trim();
  if (key) step(3, "Anthropic's API with your ANTHROPIC_API_KEY: answers are real and billed to your key");
  else {
    step(3, 'no ANTHROPIC_API_KEY: starting the simulated Anthropic API (answers and costs are simulated)');
    simulator = await startFakeAnthropic({ replyStyle: 'plausible', pace: { firstTokenMs: 450, deltaMs: 15 } });
    say(`      simulated Anthropic API at ${simulator.url}`);
  }

  step(4, 'a throw-away profile: sample workspace, two weeks of sample spend, one earlier conversation');
  profile = createProfile({ simulatedApiUrl: simulator?.url ?? null });
  say(
    `      ${profile.seededEntries} sample requests; today $${DEMO_TODAY_USD.toFixed(2)} of a $${DEMO_DAILY_BUDGET_USD} daily budget (warns at 80%)`,
  );
  say(`      profile ${profile.root} (removed on Ctrl+C)`);

  step(5, 'installing the extension and starting VS Code');
  since = Date.now();
  codeServer = await startCodeServer({
    tools,
    profile,
    vsix,
    port,
    env: {
      ...process.env,
      // The extension reads these to label answers and costs as simulated and to start the chat history.
      ...(simulator ? { ANTHROPIC_API_KEY: 'sk-ant-demo-simulated', TALLY_SIMULATED_API: simulator.url } : {}),
      TALLY_DEMO_CONVERSATION: profile.conversationFile,
    },
  });
  codeServer.exited.then(
    (code) => fail(`code-server exited (${code}); its log: ${codeServer?.logPath}`),
    () => undefined,
  );
  say(`      ready in ${seconds(since)}; ${seconds(started)} since npm run demo`);

  const url = `http://127.0.0.1:${codeServer.port}/?folder=${encodeURIComponent(profile.workspaceDir)}`;
  console.log(`\nOpen Tally's demo: ${url}\n`);
  say('Ctrl+C stops VS Code and the simulated API and removes the demo profile.');
  if (!values['no-open']) openInBrowser(url, say);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
