import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileMentions } from '../../src/extension/chat/mentions.js';

test('#file: mentions are found once each, a half-typed one only when the prompt is sent', () => {
  assert.deepEqual(fileMentions('look at #file:src/a.ts and #file:src/b.ts', false), ['src/a.ts']);
  assert.deepEqual(fileMentions('look at #file:src/a.ts and #file:src/b.ts', true), ['src/a.ts', 'src/b.ts']);
  assert.deepEqual(
    fileMentions('#file:src/a.ts, then #file:src/a.ts again', false),
    ['src/a.ts'],
    'trailing punctuation is not part of the path',
  );
  assert.deepEqual(fileMentions('an issue#file:x is not a mention, nor is #files:y', true), []);
  assert.deepEqual(fileMentions('#file: alone', true), []);
});
