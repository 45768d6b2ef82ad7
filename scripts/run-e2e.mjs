// `npm run test:e2e`: the end-to-end journeys in a real VS Code (code-server + headless Chromium).
// 1. installs what they need, cached per machine (scripts/e2e-install.mjs);
// 2. packages the extension (`npm run package` -> dist/tally.vsix);
// 3. runs test/e2e/*.test.ts with Node's test runner, one file at a time.
// Exits non-zero on any failure, including a tool that cannot be installed. See test/e2e/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureE2eTools } from './e2e-install.mjs';

const started = Date.now();
const seconds = (since) => ((Date.now() - since) / 1000).toFixed(1);
const step = (message) => console.log(`\ne2e: ${message}`);

step('installing tools (cached after the first run)');
let tools;
const installStart = Date.now();
try {
  tools = ensureE2eTools();
} catch (error) {
  console.error(`e2e: cannot run the end-to-end tests: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const installSeconds = seconds(installStart);
console.log(`e2e: tools ready in ${installSeconds} s (${tools.root})`);

step('packaging the extension');
const packageStart = Date.now();
const packaged = spawnSync('npm', ['run', 'package'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (packaged.status !== 0) {
  console.error('e2e: `npm run package` failed; no .vsix to test');
  process.exit(1);
}
const vsix = 'dist/tally.vsix';
console.log(`e2e: ${vsix} is ${(statSync(vsix).size / 1024).toFixed(0)} KiB, packaged in ${seconds(packageStart)} s`);

const only = process.argv.slice(2);
const files = readdirSync('test/e2e')
  .filter((name) => name.endsWith('.test.ts'))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort()
  .map((name) => join('test/e2e', name));
if (files.length === 0) {
  console.error('e2e: no test/e2e/*.test.ts to run');
  process.exit(1);
}

step(`running ${files.join(', ')}`);
const runStart = Date.now();
// Its own process group, so that an interrupted run takes code-server and Chromium down with it.
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, TALLY_E2E_TOOLS: JSON.stringify(tools) },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  });
}
child.on('exit', (code, signal) => {
  console.log(`\ne2e: install ${installSeconds} s, journeys ${seconds(runStart)} s, total ${seconds(started)} s`);
  console.log(`e2e: screenshots and logs in test-results/e2e/`);
  process.exit(code ?? (signal ? 1 : 0));
});
