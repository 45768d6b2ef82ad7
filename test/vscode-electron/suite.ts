// Runs INSIDE a desktop VS Code started by @vscode/test-electron (see electron.test.ts): the same
// checks as the code-server smoke journey, through the `vscode` API instead of the UI.
// @vscode/test-electron loads this file's bundle and awaits `run()`; a thrown error fails the run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'tally-dev.tally';
const COMMANDS = [
  'tally.openChat',
  'tally.openChatView',
  'tally.openDashboard',
  'tally.estimateSelection',
  'tally.sendSelectionToChat',
  'tally.setApiKey',
  'tally.clearApiKey',
  'tally.setBudget',
  'tally.exportSpend',
];

const checks: Array<[string, () => Promise<void>]> = [
  [
    'the extension is installed and activates',
    async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not installed`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  ],
  [
    'every Tally command is registered',
    async () => {
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(
        COMMANDS.filter((id) => !registered.has(id)),
        [],
      );
    },
  ],
  [
    'Tally: Open Chat opens a webview panel',
    async () => {
      await vscode.commands.executeCommand('tally.openChat');
      const webviews = vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .filter((tab) => tab.input instanceof vscode.TabInputWebview);
      assert.ok(webviews.length > 0, 'no webview tab after tally.openChat');
    },
  ],
  [
    'Tally: Open Spend Dashboard opens a second webview panel',
    async () => {
      await vscode.commands.executeCommand('tally.openDashboard');
      const webviews = vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .filter((tab) => tab.input instanceof vscode.TabInputWebview);
      assert.ok(webviews.length > 1, 'no second webview tab after tally.openDashboard');
    },
  ],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`ok - ${name}`);
    } catch (error) {
      failures.push(name);
      console.log(`not ok - ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`${checks.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} VS Code check(s) failed: ${failures.join('; ')}`);
}
