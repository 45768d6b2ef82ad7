import assert from 'node:assert/strict';
import { buildSync } from 'esbuild';
import { JSDOM, VirtualConsole } from 'jsdom';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { buildDashboardData } from '../../src/extension/spend/dashboardData.js';
import { readSpendHistory } from '../../src/extension/spend/spendHistory.js';
import { dashboardHtml } from '../../src/extension/webviewHtml.js';
import type { DashboardData, FromDashboard } from '../../src/protocol/dashboard.js';
import { table, testLedger, WORKSPACE } from './spendTestLedger.js';

// The real webview bundle (built as esbuild.js builds it) in a DOM, driven through its protocol.

const bundle = buildSync({
  entryPoints: [resolve(__dirname, '../../src/webview/dashboard/main.ts')],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  outdir: '/virtual',
  logLevel: 'silent',
}).outputFiles.find((file) => file.path.endsWith('.js'))!.text;

interface Page {
  dom: JSDOM;
  sent: FromDashboard[];
  state: () => unknown;
  deliver(message: unknown): Promise<void>;
  byTestId(id: string): Element | null;
  allByTestId(id: string): Element[];
  scriptErrors: string[];
  /** Canvases Chart.js drew on. */
  contexts: () => number;
}

async function openPage(savedState?: unknown): Promise<Page> {
  const scriptErrors: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error) => scriptErrors.push(error.message));
  const html = dashboardHtml(
    { cspSource: 'vscode-resource:', scriptUri: 'dashboard.js', styleUri: 'dashboard.css', title: 'Tally Spend' },
    'n0nce',
  );
  const dom = new JSDOM(html.replace(/<script[^>]*><\/script>/, ''), {
    runScripts: 'outside-only',
    virtualConsole,
    pretendToBeVisual: true,
  });
  const sent: FromDashboard[] = [];
  let state = savedState;
  const window = dom.window as unknown as Record<string, unknown>;
  window['acquireVsCodeApi'] = () => ({
    // Copied out of the page's realm so assertions compare plain values.
    postMessage: (message: FromDashboard) => sent.push(JSON.parse(JSON.stringify(message)) as FromDashboard),
    getState: () => state,
    setState: (next: unknown) => (state = JSON.parse(JSON.stringify(next))),
  });
  window['console'] = { ...console, warn: () => {}, error: (...args: unknown[]) => scriptErrors.push(args.map(String).join(' ')) };
  // jsdom has no canvas: a 2D context that accepts every call lets Chart.js lay out and draw,
  // so a chart configuration it cannot handle fails here as a script error.
  let contexts = 0;
  window['ResizeObserver'] = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
  window['scrollTo'] = () => {};
  (dom.window.HTMLCanvasElement.prototype as unknown as { getContext: () => unknown }).getContext = function (this: unknown) {
    contexts++;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the proxy reports which canvas it draws on
    const canvas = this;
    return new Proxy(
      {},
      {
        get: (_target, name) =>
          name === 'canvas'
            ? canvas
            : name === 'measureText'
              ? () => ({ width: 10, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 })
              : name === 'getImageData' || name === 'createLinearGradient' || name === 'createPattern'
                ? () => ({ data: [], addColorStop() {} })
                : () => {},
        set: () => true,
      },
    );
  };
  dom.window.eval(bundle);
  await settle();
  return {
    dom,
    sent,
    state: () => state,
    scriptErrors,
    contexts: () => contexts,
    async deliver(message) {
      dom.window.dispatchEvent(new dom.window.MessageEvent('message', { data: message }));
      await settle();
    },
    byTestId: (id) => dom.window.document.querySelector(`[data-testid="${id}"]`),
    allByTestId: (id) => [...dom.window.document.querySelectorAll(`[data-testid="${id}"]`)],
  };
}

/** The app module loads through import(): let its promise chain run. */
const settle = () => new Promise((done) => setTimeout(done, 20));

function snapshot(record?: (l: ReturnType<typeof testLedger>) => void): DashboardData {
  const l = testLedger('2026-11-20T15:00:00Z');
  try {
    record?.(l);
    const history = readSpendHistory(l.ledger, WORKSPACE.path, { nowMs: l.now.ms, historyDays: 90, recentLimit: 50, priceTable: table });
    return buildDashboardData(history, {
      workspaceName: WORKSPACE.name,
      budget: { dailyUsd: 1, monthlyUsd: 20, warnAt: 0.8 },
      historyDays: 90,
    });
  } finally {
    l.dispose();
  }
}

test('the dashboard asks for data when it loads, then shows the empty state for a new workspace', async () => {
  const page = await openPage();
  assert.deepEqual(page.sent, [{ type: 'ready' }]);
  assert.ok(page.byTestId('loading'));
  await page.deliver({ type: 'data', data: snapshot() });
  const empty = page.byTestId('empty-state');
  assert.ok(empty, 'empty state shown');
  assert.match(empty!.textContent ?? '', /Open the chat/);
  (page.byTestId('empty-open-chat') as HTMLButtonElement).click();
  assert.deepEqual(page.sent.at(-1), { type: 'openChat' });
  assert.equal(page.byTestId('chart-daily-by-model'), null);
  assert.deepEqual(page.scriptErrors, []);
});

test('a recorded request is charted, totalled and listed, with a text alternative for every chart', async () => {
  const page = await openPage();
  await page.deliver({
    type: 'data',
    data: snapshot((l) => {
      l.record('2026-11-20T14:00:00Z', 'sonnet', { input_tokens: 200_000, output_tokens: 2000 }); // $0.42
      l.record(
        '2026-11-20T14:30:00Z',
        'haiku',
        { input_tokens: 2000, output_tokens: 500, cache_read_input_tokens: 8000 },
        { status: 'aborted' },
      );
    }),
  });
  assert.equal(page.byTestId('empty-state'), null);
  for (const id of ['chart-daily-by-model', 'chart-by-tier', 'chart-savings', 'chart-budget']) {
    const canvas = page.byTestId(id);
    assert.ok(canvas, `${id} present`);
    assert.equal(canvas!.getAttribute('role'), 'img');
    assert.ok((canvas!.getAttribute('aria-label') ?? '').length > 20, `${id} has a spoken summary`);
    assert.ok(page.byTestId(`${id}-table`), `${id} has a data table`);
  }
  assert.match(page.byTestId('chart-daily-by-model-summary')!.textContent!, /claude-sonnet-5-5 \$0\.42\b/);
  assert.equal(page.byTestId('today-spend')!.textContent, '$0.421'); // $0.42 + haiku's $0.00053
  const rows = page.allByTestId('recent-row');
  assert.equal(rows.length, 2);
  assert.match(rows[0]!.textContent!, /claude-haiku-5-5.*aborted/);
  assert.match(rows[1]!.textContent!, /claude-sonnet-5-5.*200k in.*\$0\.42\b/);
  assert.match(page.byTestId('budget-summary')!.textContent!, /\$0\.421 of \$20\.00 this month/);
  assert.ok(page.byTestId('budget-daily'), 'daily budget meter');
  assert.ok(page.contexts() >= 4, 'Chart.js drew the four charts');
  assert.deepEqual(page.scriptErrors, []);
});

test('toolbar buttons send typed messages; export and budget go to the extension', async () => {
  const page = await openPage();
  await page.deliver({
    type: 'data',
    data: snapshot((l) => l.record('2026-11-20T14:00:00Z', 'haiku', { input_tokens: 100, output_tokens: 10 })),
  });
  (page.byTestId('export-csv') as HTMLButtonElement).click();
  (page.byTestId('export-json') as HTMLButtonElement).click();
  (page.byTestId('set-budget') as HTMLButtonElement).click();
  assert.deepEqual(page.sent.slice(1), [{ type: 'export', format: 'csv' }, { type: 'export', format: 'json' }, { type: 'setBudget' }]);
  // Every control is a native, focusable element (keyboard reachable without extra handlers).
  const inlineHandlers = [...page.dom.window.document.querySelectorAll('*')].filter((e) =>
    [...e.attributes].some((a) => a.name.startsWith('on')),
  );
  assert.deepEqual(inlineHandlers, []);
});

test('names from the ledger are shown as text, never as markup', async () => {
  const page = await openPage();
  const data = snapshot((l) => l.record('2026-11-20T14:00:00Z', 'haiku', { input_tokens: 100, output_tokens: 10 }));
  await page.deliver({ type: 'data', data: { ...data, workspaceName: '<img src=x onerror=alert(1)>' } });
  assert.match(page.dom.window.document.querySelector('h1')!.textContent!, /<img src=x onerror=alert\(1\)>/);
  assert.equal(page.dom.window.document.querySelector('img'), null);
});

test('a message outside the protocol is ignored and the view keeps what it showed', async () => {
  const page = await openPage();
  await page.deliver({
    type: 'data',
    data: snapshot((l) => l.record('2026-11-20T14:00:00Z', 'haiku', { input_tokens: 100, output_tokens: 10 })),
  });
  await page.deliver({ type: 'data', data: { workspaceName: '<img src=x onerror=alert(1)>' } });
  await page.deliver({ type: 'html', html: '<script>alert(1)</script>' });
  assert.equal(page.allByTestId('recent-row').length, 1);
  assert.equal(page.dom.window.document.querySelector('img'), null);
});

test('the range and the last data come back when the panel is shown again', async () => {
  const data = snapshot((l) => l.record('2026-11-20T14:00:00Z', 'haiku', { input_tokens: 100, output_tokens: 10 }));
  const first = await openPage();
  await first.deliver({ type: 'data', data });
  const select = first.byTestId('range-select') as HTMLSelectElement;
  select.value = '7';
  select.dispatchEvent(new first.dom.window.Event('change'));
  assert.match(first.byTestId('chart-daily-by-model-summary')!.closest('figure')!.textContent!, /last 7 days/);

  // VS Code recreates the page with the saved state: it draws at once, before fresh data arrives.
  const again = await openPage(first.state());
  assert.equal((again.byTestId('range-select') as HTMLSelectElement).value, '7');
  assert.equal(again.allByTestId('recent-row').length, 1);
  assert.deepEqual(again.sent, [{ type: 'ready' }]);
});

test('new data keeps the focused control and the opened tables; the same numbers do not redraw', async () => {
  const page = await openPage();
  const first = snapshot((l) => l.record('2026-11-20T14:00:00Z', 'haiku', { input_tokens: 100, output_tokens: 10 }));
  await page.deliver({ type: 'data', data: first });
  const doc = page.dom.window.document;
  (doc.getElementById('chart-by-tier-details') as HTMLDetailsElement).open = true;
  (page.byTestId('export-json') as HTMLButtonElement).focus();
  const table = page.byTestId('recent-table');
  await page.deliver({ type: 'data', data: { ...first, generatedAt: '2026-11-20T15:01:00.000Z' } });
  assert.equal(page.byTestId('recent-table'), table, 'identical numbers: the page is left alone');

  const second = snapshot((l) => {
    l.record('2026-11-20T14:00:00Z', 'haiku', { input_tokens: 100, output_tokens: 10 });
    l.record('2026-11-20T14:05:00Z', 'sonnet', { input_tokens: 100, output_tokens: 10 });
  });
  await page.deliver({ type: 'data', data: second });
  assert.equal(page.allByTestId('recent-row').length, 2);
  assert.equal((doc.getElementById('chart-by-tier-details') as HTMLDetailsElement).open, true);
  assert.equal(doc.activeElement?.getAttribute('data-testid'), 'export-json');
});
