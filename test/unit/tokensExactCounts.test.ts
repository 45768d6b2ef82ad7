import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentHash, ExactTokenCounts, type Scheduler } from '../../src/core/tokens/exactCounts.js';

/** A clock the test moves by hand. */
function manualScheduler(): Scheduler & { advance(ms: number): void } {
  let now = 0;
  const timers: { at: number; callback: () => void }[] = [];
  return {
    now: () => now,
    setTimeout(callback, ms) {
      timers.push({ at: now + ms, callback });
    },
    advance(ms) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.callback();
      }
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('peek has nothing until the exact count arrives, then has it without another call', async () => {
  const calls: string[] = [];
  const counts = new ExactTokenCounts({
    countTokens: async (model, text) => (calls.push(`${model}:${text}`), text.length * 2),
    scheduler: manualScheduler(),
  });
  assert.equal(counts.peek('claude-opus-4-7', 'hello'), undefined);
  counts.request('claude-opus-4-7', 'hello');
  await settle();
  assert.equal(counts.peek('claude-opus-4-7', 'hello'), 10);
  assert.equal(counts.peek('claude-opus-5', 'hello'), undefined, 'counts are per model');
  counts.request('claude-opus-4-7', 'hello');
  await settle();
  assert.deepEqual(calls, ['claude-opus-4-7:hello']);
});

test('requests are spaced out and only the latest text per model is fetched', async () => {
  const scheduler = manualScheduler();
  const calls: string[] = [];
  const counts = new ExactTokenCounts({ countTokens: async (_model, text) => (calls.push(text), 1), minIntervalMs: 1000, scheduler });
  counts.request('m', 'a');
  await settle();
  counts.request('m', 'ab');
  counts.request('m', 'abc');
  await settle();
  assert.deepEqual(calls, ['a'], 'the second call waits for the interval');
  scheduler.advance(1000);
  await settle();
  assert.deepEqual(calls, ['a', 'abc'], 'the superseded text is never sent');
});

test('failures are reported through the callback, never thrown, and the queue goes on', async () => {
  const scheduler = manualScheduler();
  const errors: string[] = [];
  const counts = new ExactTokenCounts({
    countTokens: async (_model, text) => {
      if (text === 'bad') throw new Error('429 rate limited');
      return 3;
    },
    onError: (error) => errors.push((error as Error).message),
    minIntervalMs: 10,
    scheduler,
  });
  counts.request('m', 'bad');
  counts.request('n', 'good');
  await settle();
  scheduler.advance(10);
  await settle();
  assert.deepEqual(errors, ['429 rate limited']);
  assert.equal(counts.peek('m', 'bad'), undefined);
  assert.equal(counts.peek('n', 'good'), 3);
});

test('the content hash tells apart texts that differ in one character', () => {
  const base = 'x'.repeat(10_000);
  assert.notEqual(contentHash(base), contentHash(base.slice(0, 5000) + 'y' + base.slice(5001)));
  assert.equal(contentHash(base), contentHash('x'.repeat(10_000)));
});
