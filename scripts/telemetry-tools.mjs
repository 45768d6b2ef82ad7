// Installs the test-only tools of the telemetry tests, once per machine: Debian's `prometheus` package
// (prometheus and promtool, 2.42). It is fetched with `apt-get download` and unpacked with `dpkg-deb -x`
// into a cache folder OUTSIDE the repo, so nothing is started as a service, nothing lands in /usr, and
// the project's own `npm ci` never pulls it. The binaries need only libc.
//
// The unpacked tree goes to a scratch folder and is renamed into place only once both binaries ran, so an
// interrupted install is discarded, never reused.
//
// Usage: `node scripts/telemetry-tools.mjs` (installs if needed, prints {"prometheus","promtool","version"}
// as JSON); `node scripts/telemetry-tools.mjs --check` (prints the paths or exits 1, never installs);
// tests call `findTelemetryTools()`, which only looks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const PROMETHEUS_PACKAGE = 'prometheus';

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tally-telemetry');
}

const log = (message) => console.error(`telemetry-tools: ${message}`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${tail}`);
  }
  return result.stdout ?? '';
}

function toolsIn(dir) {
  return { prometheus: join(dir, 'usr/bin/prometheus'), promtool: join(dir, 'usr/bin/promtool') };
}

/** The installed tools, or undefined; never installs (what tests call before skipping). */
export function findTelemetryTools() {
  const root = cacheRoot();
  if (!existsSync(root)) return undefined;
  const installed = readdirSync(root)
    .filter((name) => name.startsWith('prometheus-') && !name.includes('.partial-') && existsSync(join(root, name, '.complete')))
    .sort();
  const newest = installed.at(-1);
  if (!newest) return undefined;
  return { ...toolsIn(join(root, newest)), version: newest.slice('prometheus-'.length) };
}

function candidateVersion() {
  const policy = run('apt-cache', ['policy', PROMETHEUS_PACKAGE]);
  const version = policy.match(/Candidate:\s*(\S+)/)?.[1];
  return version && version !== '(none)' ? version : undefined;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function ensureTelemetryTools() {
  const found = findTelemetryTools();
  if (found) return found;
  const root = cacheRoot();
  mkdirSync(root, { recursive: true });
  for (const entry of readdirSync(root)) {
    const pid = entry.match(/\.partial-(\d+)$/)?.[1];
    if (pid && !isAlive(Number(pid))) rmSync(join(root, entry), { recursive: true, force: true });
  }
  let version = candidateVersion();
  if (!version) {
    log('apt-get update');
    run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    version = candidateVersion();
  }
  if (!version) throw new Error(`Debian has no "${PROMETHEUS_PACKAGE}" package here (apt-cache policy shows no candidate)`);
  const name = `prometheus-${version.replace(/[^\w.+-]/g, '_')}`;
  const scratch = join(root, `${name}.partial-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  try {
    log(`apt-get download ${PROMETHEUS_PACKAGE}=${version}`);
    run('apt-get', ['download', `${PROMETHEUS_PACKAGE}=${version}`], { cwd: scratch });
    const deb = readdirSync(scratch).find((file) => file.endsWith('.deb'));
    if (!deb) throw new Error('apt-get download left no .deb');
    const tree = join(scratch, 'tree');
    run('dpkg-deb', ['-x', join(scratch, deb), tree]);
    const tools = toolsIn(tree);
    run(tools.prometheus, ['--version']);
    run(tools.promtool, ['--version']);
    rmSync(join(scratch, deb));
    writeFileSync(join(tree, '.complete'), `${version}\n`);
    rmSync(join(root, name), { recursive: true, force: true });
    renameSync(tree, join(root, name));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const installed = findTelemetryTools();
  if (!installed) throw new Error(`installed ${name} but cannot find it in ${root}`);
  log(`installed ${installed.prometheus}`);
  return installed;
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
