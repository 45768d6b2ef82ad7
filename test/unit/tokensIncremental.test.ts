import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateTextTokens } from '../../src/core/tokens/estimator.js';
import { IncrementalTokenEstimator } from '../../src/core/tokens/incremental.js';

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const pieces = [
  'function ',
  'return x;',
  '\n',
  '\n    ',
  '  ',
  '\t',
  'Hello',
  ' world',
  '. ',
  'über ',
  'привет ',
  '漢字',
  '🎉',
  '\u0301',
  '12345',
  '===',
  '{',
  '}',
  ' ',
];

function randomText(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += pieces[Math.floor(next() * pieces.length)]!;
  return text;
}

test('after any sequence of edits the incremental estimate equals a full re-estimate', () => {
  const next = random(7);
  const estimator = new IncrementalTokenEstimator('v4.7');
  let text = randomText(next, 20_000);
  assert.equal(estimator.update(text), estimateTextTokens(text, 'v4.7'));
  for (let edit = 0; edit < 400; edit++) {
    const at = Math.floor(next() * (text.length + 1));
    const kind = next();
    if (kind < 0.4)
      text = text.slice(0, at) + randomText(next, 1 + Math.floor(next() * 3)).slice(0, 1 + Math.floor(next() * 20)) + text.slice(at);
    else if (kind < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 30));
    else if (kind < 0.9)
      text = text.slice(0, at) + '\n' + text.slice(at); // new line: changes where chunks may be cut
    else text = randomText(next, 100) + text.slice(0, at) + text.slice(at + 500); // edits at both ends
    assert.equal(estimator.update(text), estimateTextTokens(text, 'v4.7'), `edit ${edit}`);
    assert.equal(estimator.tokens('v3'), estimateTextTokens(text, 'v3'), `edit ${edit} (v3)`);
  }
});

test('clearing, refilling and repeating the same text stay exact', () => {
  const estimator = new IncrementalTokenEstimator('v5');
  const text = randomText(random(3), 50_000);
  assert.equal(estimator.update(text), estimateTextTokens(text, 'v5'));
  assert.equal(estimator.update(text), estimateTextTokens(text, 'v5'));
  assert.equal(estimator.update(''), 0);
  assert.equal(estimator.update(text + text), estimateTextTokens(text + text, 'v5'));
  assert.equal(estimator.update(text), estimateTextTokens(text, 'v5'));
});

test('a long text without any whitespace is still exact', () => {
  const estimator = new IncrementalTokenEstimator('v3');
  let text = '漢字かなabc'.repeat(3000);
  assert.equal(estimator.update(text), estimateTextTokens(text, 'v3'));
  text = text.slice(0, 9000) + 'Z' + text.slice(9000);
  assert.equal(estimator.update(text), estimateTextTokens(text, 'v3'));
});

test('whitespace typed or deleted where chunks are cut (line starts) stays exact', () => {
  const estimator = new IncrementalTokenEstimator('v4.7');
  const original = randomText(random(11), 30_000);
  estimator.update(original);
  const lineStarts = [...original.matchAll(/\n(?=\S)/g)].map((match) => match.index + 1).filter((_, i) => i % 3 === 0);
  assert.ok(lineStarts.length > 50, `${lineStarts.length} line starts`);
  for (const at of lineStarts) {
    for (const edited of [
      original.slice(0, at) + '\n' + original.slice(at),
      original.slice(0, at) + ' ' + original.slice(at),
      original.slice(0, at - 1) + original.slice(at),
    ]) {
      estimator.update(edited);
      for (const family of ['v3', 'v4.7', 'v5'] as const)
        assert.equal(estimator.tokens(family), estimateTextTokens(edited, family), `edit at ${at} (${family})`);
      estimator.update(original);
    }
  }
});

test('edits reported by position (as an editor does) give the same counts as a full re-estimate', () => {
  const next = random(99);
  const estimator = new IncrementalTokenEstimator('v3');
  let text = '';
  estimator.edit(text, 0, 0, 0);
  for (let edit = 0; edit < 400; edit++) {
    const offset = Math.floor(next() * (text.length + 1));
    const removed = next() < 0.5 ? 0 : Math.min(text.length - offset, Math.floor(next() * 40));
    const inserted = edit < 20 ? randomText(next, 2000) : next() < 0.3 ? '' : randomText(next, 1).slice(0, 1 + Math.floor(next() * 6));
    text = text.slice(0, offset) + inserted + text.slice(offset + removed);
    assert.equal(estimator.edit(text, offset, removed, inserted.length), estimateTextTokens(text, 'v3'), `edit ${edit}`);
  }
  // A report that does not fit the text held falls back to comparing, and stays right.
  text = 'completely different\n' + text;
  assert.equal(estimator.edit(text, 5, 0, 0), estimateTextTokens(text, 'v3'));
});
