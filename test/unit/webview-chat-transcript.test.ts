import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { JSDOM } from 'jsdom';
import type { HostMessage, Turn, WebviewMessage } from '../../src/protocol/chat.js';

/** The chat webview as shipped (bundled by esbuild), running in a page with a fake VS Code API. */
async function openWebview() {
  const bundle = await build({
    entryPoints: [resolve(__dirname, '../../src/webview/chat/main.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'empty' },
    logLevel: 'silent',
  });
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { runScripts: 'outside-only', pretendToBeVisual: true });
  const window = dom.window as unknown as Window & { acquireVsCodeApi: () => unknown; eval: (code: string) => void };
  const posted: WebviewMessage[] = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m: WebviewMessage) => posted.push(m), getState: () => undefined, setState: () => {} });
  window.eval(bundle.outputFiles[0]!.text);
  const send = async (message: HostMessage) => {
    window.dispatchEvent(new dom.window.MessageEvent('message', { data: JSON.parse(JSON.stringify(message)) }));
    await new Promise((done) => setTimeout(done, 30)); // a frame for streamed text
  };
  const articles = () => [...window.document.querySelectorAll<HTMLElement>('article[data-testid="turn"]')];
  return { window, posted, send, articles, close: () => dom.window.close() };
}

const turn = (id: string, overrides: Partial<Turn> = {}): Turn => ({
  id,
  user: `question ${id}`,
  attachments: [],
  choice: 'auto',
  answer: `answer **${id}**`,
  status: 'ok',
  model: 'claude-haiku-5-5',
  tier: 'haiku',
  reasons: ['short lookup'],
  estimateUsd: 0.001,
  usage: null,
  error: null,
  startedAt: '2026-11-29T12:00:00.000Z',
  supersedes: null,
  trimmed: null,
  ...overrides,
});

test('a new turn, busy changes and streamed text rebuild only the turn they concern', async (t) => {
  const w = await openWebview();
  t.after(w.close);
  const conversation = {
    id: 'c1',
    title: 'Chat',
    createdAt: '2026-11-29T12:00:00.000Z',
    updatedAt: '2026-11-29T12:00:00.000Z',
    turns: [turn('t1'), turn('t2')],
  };
  await w.send({ type: 'init', conversation, history: [], attachments: [], busy: false });
  const [first, second] = w.articles();
  assert.equal(first!.querySelector('strong')?.textContent, 't1', 'answers render as Markdown');
  assert.ok(second!.querySelector('[data-testid="turn-retry-higher"]'), 'the last finished turn offers a retry');

  await w.send({ type: 'turn', turn: turn('t3', { status: 'streaming', answer: '', model: null, tier: null, reasons: [] }) });
  await w.send({ type: 'busy', busy: true });
  let now = w.articles();
  assert.equal(now.length, 3);
  assert.equal(now[0], first, 'the first turn is left as it was');
  assert.notEqual(now[1], second, 'the previous last turn is rebuilt once…');
  assert.equal(now[1]!.querySelector('[data-testid="turn-retry-higher"]'), null, '…without its retry button');
  const streaming = now[2]!;

  await w.send({ type: 'delta', turnId: 't3', text: 'par' });
  await w.send({ type: 'delta', turnId: 't3', text: 'tial *text*' });
  now = w.articles();
  assert.equal(now[2], streaming, 'streamed text updates the answer in place');
  assert.equal(streaming.querySelector('[data-testid="turn-answer"] em')?.textContent, 'text');

  const beforeDone = w.articles();
  await w.send({ type: 'busy', busy: false });
  assert.deepEqual(w.articles(), beforeDone, 'busy rebuilds nothing');
  await w.send({ type: 'turn', turn: turn('t3', { answer: 'partial *text* done' }) });
  now = w.articles();
  assert.equal(now[0], first);
  assert.equal(now[1], beforeDone[1]);
  assert.equal(now[2]!.dataset['status'], 'ok');
  const retry = now[2]!.querySelector<HTMLElement>('[data-testid="turn-retry-higher"]');
  assert.ok(retry && !retry.hidden, 'the finished last turn offers a retry');

  // A retry marks the turn it supersedes, and hides the retry button while it streams.
  await w.send({ type: 'turn', turn: turn('t4', { status: 'streaming', answer: '', supersedes: 't3' }) });
  await w.send({ type: 'busy', busy: true });
  now = w.articles();
  assert.equal(now[0], first);
  assert.equal(now[2]!.dataset['superseded'], 'true');
  assert.equal(w.window.document.querySelector('[data-testid="turn-retry-higher"]'), null);
});
