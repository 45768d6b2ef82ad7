// The extension in desktop VS Code through @vscode/test-electron, for machines that can download VS Code
// (or have one installed). It is opt-in: these machines reach only package registries, so the download
// would fail, and the same journeys run here in code-server instead (test/e2e, `npm run test:e2e`).
//
//   TALLY_VSCODE_ELECTRON=1 node --import tsx --test test/vscode-electron/electron.test.ts
//   TALLY_VSCODE_EXECUTABLE=/path/to/code node --import tsx --test test/vscode-electron/electron.test.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const REPO_ROOT = resolve(__dirname, '../..');
const executable = process.env.TALLY_VSCODE_EXECUTABLE;
const optedIn = process.env.TALLY_VSCODE_ELECTRON === '1' || Boolean(executable);

test('Tally in desktop VS Code (@vscode/test-electron)', { timeout: 15 * 60_000 }, async (t) => {
  if (!optedIn) {
    t.skip(
      'needs a VS Code download (no network here): set TALLY_VSCODE_ELECTRON=1 where it can download, or TALLY_VSCODE_EXECUTABLE=<path>; test/e2e runs the journeys in code-server instead',
    );
    return;
  }
  const built = spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('node esbuild.js failed');
  const suite = join(REPO_ROOT, 'out/vscode-electron/suite.js');
  await build({
    entryPoints: [join(__dirname, 'suite.ts')],
    outfile: suite,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const scratch = mkdtempSync(join(tmpdir(), 'tally-vscode-electron-'));
  try {
    await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : {}),
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: suite,
      launchArgs: [scratch, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'user-data')],
      extensionTestsEnv: { TALLY_LEDGER_DIR: join(scratch, 'ledger') },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
