// `npm test`: lint, build, type-check, then every unit test under test/ (except the end-to-end suite) with
// Node's built-in runner. Test files are TypeScript, loaded through tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'e2e' ? [] : findTests(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', '--silent', 'lint']); // house rules first: layers, floating promises, formatting
run(process.execPath, ['esbuild.js']); // the CLI tests run the built bundle, so build it fresh
run('npx', ['tsc', '--noEmit', '-p', '.']);
const files = findTests('test').sort();
run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files]);
