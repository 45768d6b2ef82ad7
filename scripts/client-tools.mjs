// Installs the real clients the tests drive, once per machine, from the npm registry (the only network CI
// has): Claude Code (a native binary shipped in a per-platform package) and ccusage (the reference reader
// of Claude Code's logs, also a native binary). They go to a cache OUTSIDE the repo, one folder per pinned
// version pair, never into the project's node_modules. Tests that need them call `findClientTools()` and
// skip with a printed reason when it returns null.
//
// Usage: `node scripts/client-tools.mjs` (installs if needed, prints the paths as JSON on stdout, progress
// on stderr); `import { ensureClientTools, findClientTools }`.
import { chmodSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installOnce, npmInstall, run, timed as timedWith } from './install-cache.mjs';

export const CLAUDE_CODE_VERSION = '2.1.332';
export const CCUSAGE_VERSION = '20.0.24';

const log = (message) => console.error(`client-tools: ${message}`);
const timed = (label, fn) => timedWith(log, label, fn);

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'tally-clients', `claude-code-${CLAUDE_CODE_VERSION}-ccusage-${CCUSAGE_VERSION}`);
}

/** The platform suffix both packages use for their native binaries, e.g. `linux-x64` (Claude Code adds `-musl`). */
function platformKey({ musl = false } = {}) {
  const isMusl = process.platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime;
  return `${process.platform}-${process.arch}${musl && isMusl ? '-musl' : ''}`;
}

const exe = process.platform === 'win32' ? '.exe' : '';

// Where the binaries sit inside their install folders. Claude Code's postinstall copies the native binary
// over bin/claude.exe; the platform package's own copy is used so an install with scripts off works too.
const claudeBinIn = (dir) => join(dir, 'node_modules', '@anthropic-ai', `claude-code-${platformKey({ musl: true })}`, `claude${exe}`);
const ccusageBinIn = (dir) => join(dir, 'node_modules', '@ccusage', `ccusage-${platformKey()}`, 'bin', `ccusage${exe}`);

function paths(root) {
  return {
    root,
    claudeBin: claudeBinIn(join(root, 'claude-code')),
    ccusageBin: ccusageBinIn(join(root, 'ccusage')),
    claudeCodeVersion: CLAUDE_CODE_VERSION,
    ccusageVersion: CCUSAGE_VERSION,
  };
}

/** The installed tools, or null when either is missing (nothing is installed; no network). */
export function findClientTools() {
  const root = cacheRoot();
  const complete = ['claude-code', 'ccusage'].every((name) => existsSync(join(root, name, '.complete')));
  return complete ? paths(root) : null;
}

/** Makes sure both tools are installed; returns where they are. Throws with a clear message if one cannot be. */
export function ensureClientTools() {
  const root = cacheRoot();
  timed(`@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`, () =>
    installOnce(
      root,
      'claude-code',
      (dir) => npmInstall(dir, `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`),
      (dir) => {
        const out = run(claudeBinIn(dir), ['--version']);
        if (!out.includes(CLAUDE_CODE_VERSION)) throw new Error(`claude --version printed: ${out.trim()}`);
      },
    ),
  );
  timed(`ccusage@${CCUSAGE_VERSION}`, () =>
    installOnce(
      root,
      'ccusage',
      // The native package is named at the same version so npm cannot pick another one.
      (dir) => npmInstall(dir, [`ccusage@${CCUSAGE_VERSION}`, `@ccusage/ccusage-${platformKey()}@${CCUSAGE_VERSION}`]),
      (dir) => {
        chmodSync(ccusageBinIn(dir), 0o755); // the package ships it without the execute bit (its wrapper sets it)
        const out = run(ccusageBinIn(dir), ['--version']);
        if (!out.includes(CCUSAGE_VERSION)) throw new Error(`ccusage --version printed: ${out.trim()}`);
      },
    ),
  );
  return paths(root);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const start = Date.now();
  try {
    const tools = ensureClientTools();
    log(`ready in ${((Date.now() - start) / 1000).toFixed(1)} s (${tools.root})`);
    console.log(JSON.stringify(tools, null, 2));
  } catch (error) {
    console.error(`client-tools: FAILED: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
