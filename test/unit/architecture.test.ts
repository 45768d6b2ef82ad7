import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.(ts|mts|js|mjs)$/.test(name) ? [full] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

test('src/core never imports vscode or the editor and webview layers', () => {
  const offenders = sourceFiles('src/core').flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec === 'vscode' || /(^|\/)(extension|webview|cli)\//.test(spec))
      .map((spec) => `${file} imports ${spec}`),
  );
  assert.deepEqual(offenders, []);
});

test('src/cli reaches the editor layers never', () => {
  const offenders = sourceFiles('src/cli').flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec === 'vscode' || /(^|\/)(extension|webview)\//.test(spec))
      .map((spec) => `${file} imports ${spec}`),
  );
  assert.deepEqual(offenders, []);
});

test('the webview bundle never imports Node or vscode modules', () => {
  let files: string[] = [];
  try {
    files = sourceFiles('src/webview');
  } catch {
    return; // no webviews yet
  }
  const offenders = files.flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec === 'vscode' || spec.startsWith('node:') || /(^|\/)(extension|cli)\//.test(spec))
      .map((spec) => `${file} imports ${spec}`),
  );
  assert.deepEqual(offenders, []);
});
