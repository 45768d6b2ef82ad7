// Installs the test-only tools of the telemetry tests, once per machine: Debian's `prometheus` package
// (prometheus and promtool, 2.42). It is fetched with `apt-get download` and unpacked with `dpkg-deb -x`
// into a cache folder OUTSIDE the repo, so nothing is started as a service, nothing lands in /usr, and
// the project's own `npm ci` never pulls it. The binaries need only libc.
//
// Usage: `node scripts/telemetry-tools.mjs` (installs if needed, prints {"prometheus","promtool","version"}
// as JSON on stdout, progress on stderr); `--check` only looks (exit 1 when absent). Tests call
// `findTelemetryTools()`, which never installs, and skip with a printed reason when it returns null.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installOnce, run } from './install-cache.mjs';

export const PROMETHEUS_PACKAGE = 'prometheus';

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tally-telemetry');
}

const log = (message) => console.error(`telemetry-tools: ${message}`);

function toolsIn(dir, version) {
  return { prometheus: join(dir, 'usr/bin/prometheus'), promtool: join(dir, 'usr/bin/promtool'), version };
}

/** The newest complete install in the cache, or null; never installs. */
export function findTelemetryTools() {
  const root = cacheRoot();
  if (!existsSync(root)) return null;
  const newest = readdirSync(root)
    .filter((name) => name.startsWith('prometheus-') && !name.includes('.partial-') && existsSync(join(root, name, '.complete')))
    .sort()
    .at(-1);
  return newest ? toolsIn(join(root, newest), newest.slice('prometheus-'.length)) : null;
}

function candidateVersion() {
  const version = run('apt-cache', ['policy', PROMETHEUS_PACKAGE]).match(/Candidate:\s*(\S+)/)?.[1];
  return version && version !== '(none)' ? version : undefined;
}

export function ensureTelemetryTools() {
  const found = findTelemetryTools();
  if (found) return found;
  let version = candidateVersion();
  if (!version) {
    log('apt-get update');
    run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    version = candidateVersion();
  }
  if (!version) throw new Error(`Debian has no "${PROMETHEUS_PACKAGE}" package here (apt-cache policy shows no candidate)`);
  const name = `prometheus-${version.replace(/[^\w.+-]/g, '_')}`;
  const dir = installOnce(
    cacheRoot(),
    name,
    (scratch) => {
      log(`apt-get download ${PROMETHEUS_PACKAGE}=${version}`);
      run('apt-get', ['download', `${PROMETHEUS_PACKAGE}=${version}`], { cwd: scratch });
      const deb = readdirSync(scratch).find((file) => file.endsWith('.deb'));
      if (!deb) throw new Error('apt-get download left no .deb');
      run('dpkg-deb', ['-x', join(scratch, deb), scratch]);
      rmSync(join(scratch, deb));
    },
    (scratch) => {
      const tools = toolsIn(scratch, version);
      run(tools.prometheus, ['--version']);
      run(tools.promtool, ['--version']);
    },
  );
  log(`installed ${join(dir, 'usr/bin/prometheus')}`);
  return toolsIn(dir, version);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const tools = process.argv.includes('--check') ? findTelemetryTools() : ensureTelemetryTools();
    if (!tools) {
      log(`not installed under ${cacheRoot()}: run node scripts/telemetry-tools.mjs`);
      process.exit(1);
    }
    console.log(JSON.stringify(tools));
  } catch (error) {
    log(error.message);
    process.exit(1);
  }
}
