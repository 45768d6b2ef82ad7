// Steps the e2e journeys share: finding things by test id, reading dollars, typing into the chat.
import * as assert from 'node:assert/strict';
import type { VsCodeSession } from './harness';
import type { Frame } from './playwright';

export const SPEND_TODAY = /\$\d[\d.]* today/;

export const byTestId = (id: string) => `[data-testid="${id}"]`;

/** The first dollar amount in a text: "$0.0042 (est. $0.0040)" → 0.0042. */
export function dollars(text: string): number {
  const match = /\$(\d+(?:\.\d+)?)/.exec(text);
  assert.ok(match, `no dollar amount in "${text}"`);
  return Number(match[1]);
}

/** Runs one journey and saves its screenshot whether it passed or not. */
export async function journey(vs: VsCodeSession | undefined, name: string, walk: (vs: VsCodeSession) => Promise<void>): Promise<void> {
  assert.ok(vs, 'VS Code did not start (see the error in `before`)');
  try {
    await walk(vs);
  } finally {
    const path = await vs.screenshot(name).catch(() => undefined);
    if (path) console.log(`screenshot: ${path}`);
  }
}

/** The chat in the editor tab (`panel`) or in the Tally side bar (`view`): the same page, told apart by its body. */
export const inChat = (outlet: 'panel' | 'view', id: string) => `body[data-outlet="${outlet}"] ${byTestId(id)}`;

/** Opens the chat panel from the command palette and types `text` into its composer, key by key. */
export async function openChatAndType(vs: VsCodeSession, text: string): Promise<Frame> {
  await vs.runCommand('Tally: Open Chat');
  // The side bar may show the chat too: this is the editor tab's.
  const chat = await vs.webviewWith(inChat('panel', 'prompt-input'));
  const input = chat.locator(byTestId('prompt-input'));
  await input.click();
  await input.fill('');
  await input.pressSequentially(text, { delay: 5 });
  return chat;
}

/** Waits until the extension has activated: its spend item is in the status bar. Returns the seconds it took. */
export async function activated(vs: VsCodeSession): Promise<number> {
  const started = Date.now();
  await vs
    .statusBarItem(SPEND_TODAY)
    .waitFor({ timeout: 90_000 })
    .catch(() => {
      throw new Error('no "$N today" spend item appeared in the status bar within 90 s: did the extension activate?');
    });
  return (Date.now() - started) / 1000;
}
