// The layer rules in ARCHITECTURE.md are enforced by lint. This proves the rules fire: it writes
// probe files that break them into src/, runs the project's own `eslint` on them, and removes them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const probes = {
  'src/core/lint-probe/importsVscode.ts': "import * as vscode from 'vscode';\nexport const probe = vscode;\n",
  'src/core/lint-probe/importsExtension.ts': "export { activate } from '../../extension/extension.js';\n",
  'src/webview/lint-probe/importsNode.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  'src/core/lint-probe/floating.ts': 'export async function later(): Promise<void> {}\nexport function now(): void {\n  later();\n}\n',
};
type Probe = keyof typeof probes;
let messages: Record<string, string[]> = {};

before(() => {
  for (const [file, source] of Object.entries(probes)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, source);
  }
  const run = spawnSync('npx', ['eslint', '--format', 'json', ...Object.keys(probes)], { encoding: 'utf8' });
  const results = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
  messages = Object.fromEntries(
    results.map((r) => [r.filePath.slice(process.cwd().length + 1), r.messages.map((m) => `${m.ruleId}: ${m.message}`)]),
  );
});

after(() => {
  rmSync('src/core/lint-probe', { recursive: true, force: true });
  rmSync('src/webview/lint-probe', { recursive: true, force: true });
});

const found = (probe: Probe, text: string) => {
  const list = messages[probe] ?? [];
  assert.ok(
    list.some((m) => m.includes(text)),
    `${probe}: expected a lint error containing "${text}", got:\n${list.join('\n')}`,
  );
};

test('a file in src/core that imports vscode fails lint, naming the layer rule', () => {
  found('src/core/lint-probe/importsVscode.ts', 'src/core is pure');
});

test('a file in src/core that imports the extension fails lint', () => {
  found('src/core/lint-probe/importsExtension.ts', 'src/core is pure');
});

test('a webview file that imports Node fails lint', () => {
  found('src/webview/lint-probe/importsNode.ts', 'webviews run in a browser sandbox');
});

test('an un-awaited promise fails lint', () => {
  found('src/core/lint-probe/floating.ts', '@typescript-eslint/no-floating-promises');
});
