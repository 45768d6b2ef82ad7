// Shared by the install scripts for test-only tools (e2e-install.mjs, client-tools.mjs): each tool goes
// into a scratch folder of a per-machine cache and is renamed into place only when complete, so a run
// that died halfway leaves nothing the next run would trust.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command to completion; throws with the command's last lines of output when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (result.error) throw new Error(`${command} ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${tail}`);
  }
  return result.stdout ?? '';
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `fill(scratchDir)` and renames the scratch folder to `<root>/<name>` only if it succeeded and `check` passes. */
export function installOnce(root, name, fill, check) {
  mkdirSync(root, { recursive: true });
  const target = join(root, name);
  // Leftovers from runs that died (their process is gone) are never reused.
  for (const entry of readdirSync(root)) {
    const match = entry.match(/^(.*)\.partial-(\d+)$/);
    if (match?.[1] === name && !isAlive(Number(match[2]))) rmSync(join(root, entry), { recursive: true, force: true });
  }
  if (existsSync(join(target, '.complete'))) return target;
  rmSync(target, { recursive: true, force: true }); // a target without its marker is from an older layout
  const scratch = join(root, `${name}.partial-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  try {
    fill(scratch);
    check(scratch);
    writeFileSync(join(scratch, '.complete'), new Date().toISOString());
    renameSync(scratch, target);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  return target;
}

/** `npm install` of the given specs into a folder of its own (never the project's node_modules). */
export function npmInstall(dir, specs, env = process.env) {
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  const list = Array.isArray(specs) ? specs : [specs];
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', ...list], { cwd: dir, env });
}

/** Runs `fn`, logging how long it took when that was more than a second. */
export function timed(log, label, fn) {
  const start = Date.now();
  const result = fn();
  const seconds = (Date.now() - start) / 1000;
  if (seconds > 1) log(`${label}: ${seconds.toFixed(1)} s`);
  return result;
}
