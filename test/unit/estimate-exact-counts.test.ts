import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentHash, ExactTokenCounts, requestKey, type CountableRequest, type Scheduler } from '../../src/core/estimate/exactCounts.js';

/** A one-message request, as the draft estimate asks for it. */
const ask = (model: string, text: string): CountableRequest => ({ model, messages: [{ role: 'user', content: text }] });
const textOf = (request: CountableRequest) => request.messages[0]!.content as string;

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
    countTokens: async (request) => (calls.push(`${request.model}:${textOf(request)}`), textOf(request).length * 2),
    scheduler: manualScheduler(),
  });
  assert.equal(counts.peek(ask('claude-opus-4-7', 'hello')), undefined);
  counts.request(ask('claude-opus-4-7', 'hello'));
  await settle();
  assert.equal(counts.peek(ask('claude-opus-4-7', 'hello')), 10);
  assert.equal(counts.peek(ask('claude-opus-5', 'hello')), undefined, 'counts are per model');
  counts.request(ask('claude-opus-4-7', 'hello'));
  await settle();
  assert.deepEqual(calls, ['claude-opus-4-7:hello']);
});

test('requests are spaced out and only the latest text per model is fetched', async () => {
  const scheduler = manualScheduler();
  const calls: string[] = [];
  const counts = new ExactTokenCounts({ countTokens: async (request) => (calls.push(textOf(request)), 1), minIntervalMs: 1000, scheduler });
  counts.request(ask('m', 'a'));
  await settle();
  counts.request(ask('m', 'ab'));
  counts.request(ask('m', 'abc'));
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
    countTokens: async (request) => {
      if (textOf(request) === 'bad') throw new Error('429 rate limited');
      return 3;
    },
    onError: (error) => errors.push((error as Error).message),
    minIntervalMs: 10,
    scheduler,
  });
  counts.request(ask('m', 'bad'));
  counts.request(ask('n', 'good'));
  await settle();
  scheduler.advance(10);
  await settle();
  assert.deepEqual(errors, ['429 rate limited']);
  assert.equal(counts.peek(ask('m', 'bad')), undefined);
  assert.equal(counts.peek(ask('n', 'good')), 3);
});

test('the content hash tells apart texts that differ in one character', () => {
  const base = 'x'.repeat(10_000);
  assert.notEqual(contentHash(base), contentHash(base.slice(0, 5000) + 'y' + base.slice(5001)));
  assert.equal(contentHash(base), contentHash('x'.repeat(10_000)));
});

test("cache breakpoints do not change a request's key; its text and model do", () => {
  const plain: CountableRequest = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };
  const cached: CountableRequest = {
    model: 'm',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral', ttl: '5m' } }] }],
  };
  assert.equal(requestKey(plain), requestKey(cached));
  assert.notEqual(requestKey(plain), requestKey({ ...plain, model: 'n' }));
  assert.notEqual(requestKey(plain), requestKey(ask('m', 'hi!')));
});

test('countNow answers from what is known, else asks at once, and gives up after its timeout', async () => {
  let calls = 0;
  const slow = new ExactTokenCounts({
    countTokens: (request) => {
      calls++;
      return textOf(request) === 'slow' ? new Promise<number>(() => {}) : Promise.resolve(7);
    },
    scheduler: manualScheduler(),
  });
  assert.equal(await slow.countNow(ask('m', 'fast'), 1000), 7);
  assert.equal(await slow.countNow(ask('m', 'fast'), 1000), 7);
  assert.equal(calls, 1, 'the second answer came from the cache');
  assert.equal(await slow.countNow(ask('m', 'slow'), 20), null);
});
