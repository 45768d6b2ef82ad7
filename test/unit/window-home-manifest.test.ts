import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import packageJson from '../../package.json';

// Tally's home in the window, as the manifest declares it: what VS Code reads without running any
// of Tally's code, so a typo here would only show as a missing icon, view or step.

const root = resolve(__dirname, '../..');
const contributes = packageJson.contributes as unknown as {
  commands: Array<{ command: string }>;
  viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
  views: Record<string, Array<{ id: string; type?: string }>>;
  menus: Record<string, Array<{ command: string; when?: string }>>;
  keybindings: Array<{ command: string; key: string; mac: string; when?: string }>;
  walkthroughs: Array<{ steps: Array<{ id: string; media: { markdown: string }; completionEvents: string[]; description: string }> }>;
};
const commands = new Set(contributes.commands.map((c) => c.command));
/** A .vscodeignore that excludes everything and lets named files back in: is `file` one of them? */
const packaged = (file: string) =>
  readFileSync(resolve(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .some((line) => new RegExp(`^${line.slice(1).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`).test(file));

test('the Tally activity bar container holds the chat webview view and the spend tree, with a packaged monochrome icon', () => {
  const [container] = contributes.viewsContainers.activitybar;
  assert.equal(container?.id, 'tally');
  assert.ok(packaged(container.icon), `${container.icon} is in the .vsix`);
  const svg = readFileSync(resolve(root, container.icon), 'utf8');
  assert.match(svg, /currentColor/, 'drawn in the theme’s colour, so it shows in light, dark and high-contrast themes');
  assert.doesNotMatch(svg, /#[0-9a-f]{3,6}\b/i, 'no fixed colours');
  assert.deepEqual(
    contributes.views.tally!.map((v) => [v.id, v.type ?? 'tree']),
    [
      ['tally.chatView', 'webview'],
      ['tally.spend', 'tree'],
    ],
  );
});

test('every menu entry and keybinding names a declared command; selection commands show only with a selection', () => {
  for (const [menu, entries] of Object.entries(contributes.menus))
    for (const entry of entries) assert.ok(commands.has(entry.command), `${menu}: ${entry.command} is declared`);
  for (const binding of contributes.keybindings) assert.ok(commands.has(binding.command), `${binding.key}: ${binding.command}`);
  const palette = new Map(contributes.menus.commandPalette!.map((e) => [e.command, e.when]));
  assert.match(palette.get('tally.estimateSelection') ?? '', /editorHasSelection/);
  assert.match(palette.get('tally.sendSelectionToChat') ?? '', /editorHasSelection/);
  assert.equal(palette.get('tally.clearApiKey'), 'tally.hasStoredApiKey');
  const estimate = contributes.keybindings.find((b) => b.command === 'tally.estimateSelection');
  assert.equal(estimate?.when, 'editorHasSelection');
  assert.ok(
    contributes.keybindings.find((b) => b.command === 'tally.openChat'),
    'open chat has a key',
  );
});

test('each walkthrough step has packaged Markdown media, a completion event and only declared Tally commands', () => {
  const steps = contributes.walkthroughs[0]!.steps;
  assert.deepEqual(
    steps.map((s) => s.id),
    ['key', 'budget', 'estimate', 'claudeCode'],
  );
  for (const step of steps) {
    assert.ok(existsSync(resolve(root, step.media.markdown)), `${step.media.markdown} exists`);
    assert.ok(packaged(step.media.markdown), `${step.media.markdown} is in the .vsix`);
    assert.ok(step.completionEvents.length > 0, `${step.id} can be completed`);
    for (const event of step.completionEvents) assert.match(event, /^(onCommand|onSettingChanged|onContext|onView):/);
    for (const event of step.completionEvents.filter((e) => e.startsWith('onCommand:')))
      assert.ok(commands.has(event.slice('onCommand:'.length)), `${event} is declared`);
    for (const [, id] of step.description.matchAll(/command:(tally\.[\w.]+)/g)) assert.ok(commands.has(id!), `${step.id} links ${id}`);
  }
});
