import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatOutlets, type ChatOutlet } from '../../src/extension/chat/chatOutlets.js';
import type { HostMessage } from '../../src/protocol/chat.js';

// The chat shows in an editor tab and in the side bar at once: both show the conversation, but the
// figures for a draft and a draft handed back belong to the composer the user is using.

function outlet(): ChatOutlet & { got: string[] } {
  const got: string[] = [];
  return { got, post: (message: HostMessage) => void got.push(message.type) };
}

const delta: HostMessage = { type: 'delta', turnId: 't1', text: 'Hello' };
const busy: HostMessage = { type: 'busy', busy: true };
const setDraft: HostMessage = { type: 'setDraft', text: 'question', choice: null };

test('every open chat gets the conversation; only the one in use gets drafts handed to it', () => {
  const outlets = new ChatOutlets();
  const panel = outlet();
  const view = outlet();
  outlets.add(panel);
  outlets.add(view);
  outlets.post(delta);
  outlets.post(busy);
  assert.deepEqual(panel.got, ['delta', 'busy']);
  assert.deepEqual(view.got, ['delta', 'busy']);

  outlets.use(view);
  outlets.post(setDraft);
  assert.deepEqual(view.got, ['delta', 'busy', 'setDraft']);
  assert.deepEqual(panel.got, ['delta', 'busy'], 'the editor tab’s composer keeps its own text');

  outlets.use(panel);
  outlets.post(setDraft);
  assert.deepEqual(panel.got.at(-1), 'setDraft');
  assert.equal(view.got.length, 3);
});

test('with no chat in use (the one in use closed), a draft goes to every open chat rather than nowhere', () => {
  const outlets = new ChatOutlets();
  const panel = outlet();
  const view = outlet();
  outlets.add(panel);
  outlets.add(view);
  outlets.use(panel);
  assert.equal(outlets.remove(panel), 1, 'one chat is left to answer a budget dialog');
  outlets.post(setDraft);
  assert.deepEqual(view.got, ['setDraft']);
  assert.deepEqual(panel.got, [], 'a closed chat gets nothing');
  assert.equal(outlets.remove(view), 0);
});

test('an outlet that was never added cannot become the one in use', () => {
  const outlets = new ChatOutlets();
  const panel = outlet();
  outlets.add(panel);
  outlets.use(outlet());
  outlets.post(setDraft);
  assert.deepEqual(panel.got, ['setDraft']);
});
