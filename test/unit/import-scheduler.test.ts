// When the editor runs the Claude Code import (src/extension/import/importScheduler.ts), on a clock the
// test moves by hand: bursts of log changes make one run, a change during a run makes one more, and
// responses still being written or a held lock bring a later run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImportScheduler, type ImportRunResult, type Timers } from '../../src/extension/import/importScheduler.js';

/** Timers on a clock moved by `advance`. */
function manualClock() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    set: (callback, ms) => {
      pending.set(++next, { at: now + ms, callback });
      return next;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  // Lets finished runs' promise chains settle (and schedule their follow-ups) before looking at the timers.
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  async function advance(ms: number): Promise<void> {
    const until = now + ms;
    await settle();
    for (;;) {
      const due = [...pending.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = due[1].at;
      due[1].callback();
      await settle();
    }
    now = until;
  }
  return { timers, advance };
}

function scheduler(results: ImportRunResult[], options: { hold?: Promise<void> } = {}) {
  const clock = manualClock();
  const runs: number[] = [];
  const errors: unknown[] = [];
  let call = 0;
  const instance = new ImportScheduler({
    debounceMs: 2000,
    pendingRetryMs: 11_000,
    lockedRetryMs: 5000,
    timers: clock.timers,
    onError: (error) => errors.push(error),
    run: async () => {
      runs.push(call);
      const result = results[call++] ?? { pending: 0, locked: false };
      if (options.hold) await options.hold;
      if (result.pending < 0) throw new Error('import failed');
      return result;
    },
  });
  return { instance, runs, errors, advance: clock.advance };
}

test('a burst of log changes makes one run, after the quiet time', async () => {
  const { instance, runs, advance } = scheduler([]);
  instance.request();
  await advance(1500);
  instance.request();
  await advance(1500);
  instance.request();
  assert.equal(runs.length, 0, 'still writing');
  await advance(2000);
  assert.equal(runs.length, 1);
  await advance(60_000);
  assert.equal(runs.length, 1, 'nothing more without a change');
});

test('a change while a run is going makes exactly one more run after it', async () => {
  let release!: () => void;
  const hold = new Promise<void>((resolve) => (release = resolve));
  const { instance, runs, advance } = scheduler([], { hold });
  instance.request(0);
  await advance(0);
  assert.equal(runs.length, 1);
  instance.request(0);
  instance.request(0);
  await advance(10);
  assert.equal(runs.length, 1, 'not two at once');
  release();
  await advance(0);
  await advance(2000);
  assert.equal(runs.length, 2);
  await advance(60_000);
  assert.equal(runs.length, 2);
});

test('responses still being written and a held lock bring a later run; a failure is reported and not retried', async () => {
  const { instance, runs, errors, advance } = scheduler([
    { pending: 2, locked: false },
    { pending: 0, locked: true },
    { pending: -1, locked: false },
  ]);
  instance.request(0);
  await advance(0);
  await advance(10_999);
  assert.equal(runs.length, 1);
  await advance(1);
  assert.equal(runs.length, 2, 'once the pending responses have settled');
  await advance(5000);
  assert.equal(runs.length, 3, 'after the lock wait');
  assert.equal(errors.length, 1);
  await advance(60_000);
  assert.equal(runs.length, 3);
});

test('after dispose nothing runs', async () => {
  const { instance, runs, advance } = scheduler([]);
  instance.request();
  instance.dispose();
  instance.request();
  await advance(10_000);
  assert.equal(runs.length, 0);
});
