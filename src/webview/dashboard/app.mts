import { formatTokens, formatUsd } from '../../core/format.js';
import { budgetSummary, isEmpty, monthProgress, rangeView, savingStat, type RangeView, type SavingStat } from './chartData.js';
import { byTierConfig, dailyByModelConfig, drawChart, monthProgressConfig, readPalette, savingsConfig, type Palette } from './charts.mjs';
import { el, table } from './dom.js';
import { parseToDashboard, RANGE_DAYS, type DashboardData, type FromDashboard, type RangeDays } from '../../protocol/dashboard.js';

interface VsCodeApi {
  postMessage(message: FromDashboard): void;
  getState(): unknown;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Kept by VS Code while the panel is hidden or the window reloads, so the view comes back as it was. */
interface SavedState {
  range: RangeDays;
  data: DashboardData | null;
  scrollY: number;
}

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const saved = readSavedState(vscode.getState());
let range: RangeDays = saved.range;
let data: DashboardData | null = saved.data;
let errorMessage: string | null = null;

function readSavedState(raw: unknown): SavedState {
  const fallback: SavedState = { range: 30, data: null, scrollY: 0 };
  if (typeof raw !== 'object' || raw === null) return fallback;
  const state = raw as Partial<SavedState>;
  // A saved snapshot is checked like a message: an older version of the panel may have written it.
  const message = parseToDashboard({ type: 'data', data: state.data });
  return {
    range: RANGE_DAYS.includes(state.range as RangeDays) ? (state.range as RangeDays) : 30,
    data: message?.type === 'data' ? message.data : null,
    scrollY: typeof state.scrollY === 'number' ? state.scrollY : 0,
  };
}

function saveState(): void {
  vscode.setState({ range, data, scrollY: window.scrollY });
}

function send(message: FromDashboard): void {
  vscode.postMessage(message);
}

function button(label: string, testId: string, message: FromDashboard, title?: string): HTMLButtonElement {
  const b = el('button', { type: 'button', id: testId, 'data-testid': testId, title }, label);
  b.addEventListener('click', () => send(message));
  return b;
}

function header(d: DashboardData | null): HTMLElement {
  const select = el('select', { id: 'range', 'data-testid': 'range-select', 'aria-label': 'Days shown in the charts' });
  for (const days of RANGE_DAYS) {
    const option = el('option', { value: days }, `Last ${days} days`);
    option.selected = days === range;
    select.append(option);
  }
  select.addEventListener('change', () => {
    range = Number(select.value) as RangeDays;
    saveState();
    render();
  });
  return el(
    'header',
    {},
    el('h1', {}, d ? `Tally spend — ${d.workspaceName}` : 'Tally spend'),
    el(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': 'Dashboard actions' },
      el('label', { for: 'range' }, 'Show'),
      select,
      button('Export CSV', 'export-csv', { type: 'export', format: 'csv' }, 'Save this workspace’s requests as CSV'),
      button('Export JSON', 'export-json', { type: 'export', format: 'json' }, 'Save this workspace’s requests as JSON'),
      button('Set budget…', 'set-budget', { type: 'setBudget' }),
      button('Refresh', 'refresh', { type: 'refresh' }),
    ),
  );
}

function emptyState(): HTMLElement {
  return el(
    'section',
    { class: 'empty', 'data-testid': 'empty-state', 'aria-labelledby': 'empty-title' },
    el('h2', { id: 'empty-title' }, 'No spend recorded for this workspace yet'),
    el('p', {}, 'Every request Tally sends is recorded here: what it cost, which model answered, and what caching and routing saved.'),
    el(
      'ol',
      {},
      el('li', {}, 'Open the chat (Tally: Open Chat) and send a prompt, or select text and run Tally: Send Selection to Chat.'),
      el(
        'li',
        {},
        'Or run ',
        el('code', {}, 'tally chat --script FILE'),
        ' in a terminal in this folder: the CLI writes to the same ledger.',
      ),
      el('li', {}, 'Set a daily or monthly budget to be warned before spend runs away.'),
    ),
    el(
      'div',
      { class: 'actions' },
      button('Open chat', 'empty-open-chat', { type: 'openChat' }),
      button('Set budget…', 'empty-set-budget', { type: 'setBudget' }),
    ),
  );
}

function stat(label: string, value: string, testId: string, note?: string, definition?: string): HTMLElement {
  return el(
    'div',
    { class: 'stat', ...(definition ? { title: definition } : {}) },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value', 'data-testid': testId }, value),
    note ? el('div', { class: 'note' }, note) : null,
  );
}

function savingCard(saving: SavingStat, testId: string): HTMLElement {
  return stat(saving.label, saving.value, testId, saving.note, saving.definition);
}

function totals(d: DashboardData, view: RangeView): HTMLElement {
  return el(
    'section',
    { class: 'stats', 'aria-label': 'Totals' },
    stat(
      'Today',
      formatUsd(d.budget.todayUsd),
      'today-spend',
      d.budget.dailyUsd !== null ? `of ${formatUsd(d.budget.dailyUsd)} daily` : undefined,
    ),
    stat(
      'This month',
      formatUsd(d.budget.monthUsd),
      'month-spend',
      d.budget.monthlyUsd !== null ? `of ${formatUsd(d.budget.monthlyUsd)} monthly` : undefined,
    ),
    stat(`Last ${range} days`, formatUsd(view.usd), 'total-spend', `${view.requests} request${view.requests === 1 ? '' : 's'}`),
    stat('Requests', String(view.requests), 'total-requests'),
    savingCard(savingStat('cache', view.cacheSavedUsd, formatUsd), 'total-cache-saved'),
    savingCard(savingStat('routing', view.routingSavedUsd, formatUsd), 'total-routing-saved'),
  );
}

interface ChartPanel {
  element: HTMLElement;
  canvas: HTMLCanvasElement;
}

/** A chart with a visible title, a spoken summary, and its numbers as a table for screen readers. */
function chartPanel(title: string, testId: string, summary: string, header: string[], rows: string[][]): ChartPanel {
  const canvas = el('canvas', { role: 'img', 'aria-label': `${title}. ${summary}`, 'data-testid': testId });
  const element = el(
    'figure',
    { class: 'chart', 'aria-labelledby': `${testId}-title` },
    el('figcaption', { id: `${testId}-title` }, title),
    el('div', { class: 'canvas-box' }, canvas),
    el('p', { class: 'summary', 'data-testid': `${testId}-summary` }, summary),
    el(
      'details',
      { id: `${testId}-details` },
      el('summary', { id: `${testId}-show-table` }, 'Show as table'),
      table(title, header, rows, `${testId}-table`, `${testId}-row`),
    ),
  );
  return { element, canvas };
}

function recentTable(d: DashboardData): HTMLElement {
  const rows = d.recent.map((r) => [
    new Date(r.ts).toLocaleString(),
    r.model,
    r.tier,
    `${formatTokens(r.inputTokens)} in${r.cacheReadTokens > 0 ? ` (${formatTokens(r.cacheReadTokens)} cached)` : ''} · ${formatTokens(r.outputTokens)} out`,
    formatUsd(r.usd),
    formatUsd(r.savedUsd),
    r.sample ? `${r.status} (sample)` : r.status,
  ]);
  const body = table(
    `The ${d.recent.length} most recent requests, newest first`,
    ['Time', 'Model', 'Tier', 'Tokens', 'Cost', 'Saved', 'Status'],
    rows,
    'recent-table',
    'recent-row',
  );
  body.querySelectorAll('tbody tr').forEach((tr, i) => {
    const status = d.recent[i]?.status ?? 'ok';
    if (status !== 'ok') tr.classList.add(`status-${status}`);
  });
  return el(
    'section',
    { class: 'recent', 'aria-labelledby': 'recent-title' },
    el('h2', { id: 'recent-title' }, 'Recent requests'),
    el('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': 'Recent requests table' }, body),
  );
}

/**
 * Redraws everything, keeping what the user was doing: the focused control and the opened
 * "Show as table" sections survive a redraw (new data arrives whenever the ledger changes).
 */
function render(): void {
  const focusedId =
    document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement.id : '';
  const openIds = [...document.querySelectorAll('details[open]')].map((d) => d.id).filter(Boolean);
  draw();
  for (const id of openIds) document.getElementById(id)?.setAttribute('open', '');
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function draw(): void {
  const palette = readPalette();
  app.replaceChildren();
  app.append(header(data));
  if (errorMessage) app.append(el('p', { class: 'error', role: 'alert', 'data-testid': 'error' }, errorMessage));
  if (!data) {
    app.append(el('p', { 'data-testid': 'loading', 'aria-busy': 'true' }, 'Reading the ledger…'));
    return;
  }
  for (const note of data.notes ?? []) {
    app.append(el('p', { class: 'notice', role: 'note', 'data-testid': 'data-note' }, note));
  }
  if (data.skippedLines > 0) {
    app.append(
      el(
        'p',
        { class: 'notice', role: 'status', 'data-testid': 'skipped-lines' },
        `${data.skippedLines} ledger line${data.skippedLines === 1 ? ' was' : 's were'} unreadable (torn or corrupt) and left out; the rest is shown.`,
      ),
    );
  }
  if (isEmpty(data)) {
    app.append(emptyState());
    return;
  }
  const view = rangeView(data, range);
  app.append(totals(data, view));
  const charts: Array<[ChartPanel, ReturnType<typeof dailyByModelConfig>]> = [];
  const add = (panel: ChartPanel, config: ReturnType<typeof dailyByModelConfig>, into: HTMLElement) => {
    charts.push([panel, config]);
    into.append(panel.element);
  };

  const budgetSection = el(
    'section',
    { class: 'budget', 'data-testid': 'budget', 'data-level': data.budget.level, 'aria-labelledby': 'budget-title' },
    el('h2', { id: 'budget-title' }, 'Budget'),
  );
  budgetSection.append(el('p', { 'data-testid': 'budget-summary' }, budgetSummary(data, formatUsd)));
  budgetSection.append(budgetMeter(data));
  const progress = monthProgress(data);
  add(
    chartPanel(
      'This month: spend, forecast and budget',
      'chart-budget',
      `Forecast month-end spend ${formatUsd(data.budget.forecastMonthUsd)}.`,
      ['Day', 'Spent so far', 'Forecast', 'Budget'],
      progress.days.map((day, i) => [day, money(progress.actual[i]), money(progress.forecast[i]), money(progress.budget[i])]),
    ),
    monthProgressConfig(progress, palette),
    budgetSection,
  );
  app.append(budgetSection);

  const grid = el('div', { class: 'grid' });
  add(
    chartPanel(
      `Daily spend by model, last ${range} days`,
      'chart-daily-by-model',
      view.byModel.length === 0
        ? 'Nothing spent in this range.'
        : view.byModel.map((s) => `${s.key} ${formatUsd(s.usd.reduce((a, b) => a + b, 0))}`).join(', ') + '.',
      ['Day', ...view.byModel.map((s) => s.key)],
      view.days.map((day, i) => [day, ...view.byModel.map((s) => formatUsd(s.usd[i] ?? 0))]),
    ),
    dailyByModelConfig(view, palette),
    grid,
  );
  add(
    chartPanel(
      `Spend by tier, last ${range} days`,
      'chart-by-tier',
      view.byTier.length === 0 ? 'Nothing spent in this range.' : view.byTier.map((t) => `${t.tier} ${formatUsd(t.usd)}`).join(', ') + '.',
      ['Tier', 'Spend'],
      view.byTier.map((t) => [t.tier, formatUsd(t.usd)]),
    ),
    byTierConfig(view, palette),
    grid,
  );
  add(
    chartPanel(
      `Savings over time (running total), last ${range} days`,
      'chart-savings',
      `Caching saved ${formatUsd(view.cacheSavedUsd)}, routing saved ${formatUsd(view.routingSavedUsd)}.`,
      ['Day', 'Saved by caching', 'Saved by routing'],
      view.days.map((day, i) => [day, formatUsd(view.cacheSavedCumulative[i] ?? 0), formatUsd(view.routingSavedCumulative[i] ?? 0)]),
    ),
    savingsConfig(view, palette),
    grid,
  );
  app.append(grid, recentTable(data));
  for (const [panel, config] of charts) drawChart(panel.canvas, config);
}

function money(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : formatUsd(value);
}

/** Progress toward each set budget as a native meter (announced by screen readers). */
function budgetMeter(d: DashboardData): HTMLElement {
  const b = d.budget;
  const meters = el('div', { class: 'meters' });
  const meter = (label: string, spent: number, limit: number, testId: string) => {
    const id = `${testId}-label`;
    meters.append(
      el('label', { id, for: testId }, `${label}: ${formatUsd(spent)} of ${formatUsd(limit)}`),
      // Below the warning level the meter is "good", from it to the limit "suboptimal", past the limit "bad":
      // the browser's own colours for those states, in every theme.
      el('meter', {
        id: testId,
        'data-testid': testId,
        min: 0,
        max: Math.max(limit, spent),
        low: limit * b.warnAt,
        high: limit,
        optimum: 0,
        value: spent,
      }),
    );
  };
  if (b.dailyUsd !== null) meter('Today', b.todayUsd, b.dailyUsd, 'budget-daily');
  if (b.monthlyUsd !== null) meter('This month', b.monthUsd, b.monthlyUsd, 'budget-monthly');
  if (b.dailyUsd === null && b.monthlyUsd === null)
    meters.append(el('p', { 'data-testid': 'budget-none' }, 'No budget set. Use “Set budget…” to get a warning before spend runs away.'));
  return meters;
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseToDashboard(event.data);
  if (!message) {
    console.warn('Tally dashboard: ignored a message that does not match the protocol');
    return;
  }
  if (message.type === 'data') {
    // The minute tick and unrelated writes often bring the same numbers: nothing to redraw.
    if (data && errorMessage === null && sameData(data, message.data)) return;
    data = message.data;
    errorMessage = null;
  } else {
    errorMessage = message.message;
  }
  const scrollY = window.scrollY;
  saveState();
  render();
  window.scrollTo(0, scrollY);
});

function sameData(a: DashboardData, b: DashboardData): boolean {
  return JSON.stringify({ ...a, generatedAt: '' }) === JSON.stringify({ ...b, generatedAt: '' });
}

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(saveState, 200);
});

// VS Code swaps the body's theme class (vscode-light, vscode-dark, vscode-high-contrast...) on a theme change.
let lastPalette: Palette = readPalette();
new MutationObserver(() => {
  const next = readPalette();
  if (JSON.stringify(next) === JSON.stringify(lastPalette)) return;
  lastPalette = next;
  render();
}).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });

render();
window.scrollTo(0, saved.scrollY);
send({ type: 'ready' });
