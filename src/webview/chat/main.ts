import '../shared/base.css';
import './chat.css';
import DOMPurify from 'dompurify';
import { formatTokens, formatUsd } from '../../core/format.js';
import { byTestId, fill, h } from '../shared/dom.js';
import { contextWarning, DraftTokenCounter, estimateDraft } from './draftEstimate.js';
import {
  parseHostMessage,
  TIER_CHOICES,
  type Attachment,
  type BudgetPrompt,
  type Conversation,
  type ConversationSummary,
  type HostMessage,
  type Notice,
  type Recommendation,
  type RoutedTier,
  type TierBasis,
  type TierChoice,
  type Turn,
  type WebviewMessage,
} from '../../protocol/chat.js';
import { createMarkdownRenderer, type RenderMarkdown } from './render.js';

// The chat panel's webview. Everything it shows arrives as validated messages from the host;
// the per-tier figures for the draft are computed here on every keystroke (no round trip).

interface PersistedState {
  draft: string;
  choice: TierChoice;
  historyOpen: boolean;
}

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<PersistedState> | undefined;

const state = {
  conversation: null as Conversation | null,
  history: [] as ConversationSummary[],
  basis: [] as TierBasis[],
  attachments: [] as Attachment[],
  recommendation: null as Recommendation | null,
  busy: false,
  /** Sent, waiting for the host to start the turn (or hand the text back). */
  sending: false,
  budgetPromptId: null as string | null,
};

const TIER_LABEL: Record<RoutedTier, string> = { haiku: 'Haiku', sonnet: 'Sonnet', opus: 'Opus' };
const NEXT_TIER: Record<RoutedTier, RoutedTier | null> = { haiku: 'sonnet', sonnet: 'opus', opus: null };
const TIER_RANK: Record<RoutedTier, number> = { haiku: 0, sonnet: 1, opus: 2 };

let render: RenderMarkdown = (text) => escapeForText(text);
const post = (message: WebviewMessage) => vscode.postMessage(message);

// ---- layout ----

const prompt = h('textarea', {
  class: 'prompt',
  testid: 'prompt-input',
  attrs: {
    'aria-label': 'Message. Enter sends, Shift+Enter adds a new line.',
    placeholder: 'Ask about your code… (Enter sends, Shift+Enter new line)',
    rows: '3',
  },
});
prompt.value = saved?.draft ?? '';
const override = h(
  'select',
  { testid: 'tier-override', attrs: { 'aria-label': 'Model tier for this message' } },
  ...TIER_CHOICES.map((choice) =>
    h('option', { attrs: { value: choice }, text: choice === 'auto' ? 'Auto (recommended)' : TIER_LABEL[choice] }),
  ),
);
override.value = saved?.choice ?? 'auto';
const sendButton = h('button', { testid: 'send', text: 'Send', attrs: { 'aria-label': 'Send message (Enter)' } });
const stopButton = h('button', {
  testid: 'stop',
  class: 'secondary',
  text: 'Stop',
  attrs: { 'aria-label': 'Stop the streaming answer (Escape)', hidden: '' },
});
const estimatesBody = h('tbody');
const estimates = h(
  'table',
  { class: 'estimates', testid: 'tier-estimates', attrs: { 'aria-label': 'Estimated cost of this message on each tier' } },
  h(
    'thead',
    {},
    h(
      'tr',
      {},
      h('th', { text: 'Tier' }),
      h('th', { text: 'Model' }),
      h('th', { class: 'num', text: 'Tokens' }),
      h('th', { class: 'num', text: 'Est. cost' }),
    ),
  ),
  estimatesBody,
);
const recommendation = h('div', { class: 'recommendation', testid: 'recommendation', attrs: { 'aria-live': 'polite' } });
const attachmentList = h('ul', { class: 'attachments', testid: 'attachments', attrs: { 'aria-label': 'Attached context' } });
const contextWarningBox = h('div', { class: 'warning', testid: 'context-warning', attrs: { role: 'status', hidden: '' } });
const transcript = h('main', { class: 'transcript', testid: 'transcript', attrs: { 'aria-label': 'Conversation', tabindex: '0' } });
const noticeBox = h('div', { class: 'notice', testid: 'notice', attrs: { role: 'alert', hidden: '' } });
const historyList = h('ul', { testid: 'history-list', attrs: { 'aria-label': 'Earlier conversations' } });
const historyPanel = h('nav', { class: 'history', attrs: { id: 'history', 'aria-label': 'Chat history', hidden: '' } }, historyList);
const historyToggle = h('button', {
  class: 'secondary',
  testid: 'history-toggle',
  text: 'History',
  attrs: { 'aria-expanded': 'false', 'aria-controls': 'history' },
  on: { click: () => setHistoryOpen(historyPanel.hidden) },
});
const title = h('div', { class: 'title', testid: 'conversation-title' });
const budgetMessage = h('p', { testid: 'budget-message', attrs: { id: 'budget-message' } });
const budgetTitle = h('h2', { attrs: { id: 'budget-title' } });
const budgetDialog = h(
  'dialog',
  { testid: 'budget-dialog', attrs: { 'aria-labelledby': 'budget-title', 'aria-describedby': 'budget-message' } },
  budgetTitle,
  budgetMessage,
  h(
    'div',
    { class: 'row' },
    h('button', { class: 'secondary', testid: 'budget-cancel', text: 'Cancel', on: { click: () => answerBudget(false) } }),
    h('button', { testid: 'budget-send-anyway', text: 'Send anyway', on: { click: () => answerBudget(true) } }),
  ),
);
budgetDialog.addEventListener('cancel', (event) => {
  event.preventDefault();
  answerBudget(false);
});

const app = h(
  'div',
  { attrs: { id: 'app' } },
  h(
    'header',
    { class: 'toolbar' },
    title,
    historyToggle,
    h('button', {
      class: 'secondary',
      testid: 'new-chat',
      text: 'New chat',
      attrs: { 'aria-label': 'Start a new chat' },
      on: { click: () => post({ type: 'newChat' }) },
    }),
  ),
  historyPanel,
  noticeBox,
  transcript,
  h(
    'section',
    { class: 'composer', attrs: { 'aria-label': 'Compose' } },
    h(
      'div',
      { class: 'row' },
      h('button', {
        class: 'secondary',
        testid: 'attach-file',
        text: 'Attach file',
        attrs: { 'aria-label': 'Attach the active editor file as context' },
        on: { click: () => post({ type: 'attach', kind: 'file' }) },
      }),
      h('button', {
        class: 'secondary',
        testid: 'attach-selection',
        text: 'Attach selection',
        attrs: { 'aria-label': 'Attach the selected text as context' },
        on: { click: () => post({ type: 'attach', kind: 'selection' }) },
      }),
      attachmentList,
    ),
    contextWarningBox,
    prompt,
    estimates,
    recommendation,
    h(
      'div',
      { class: 'row' },
      h('label', { text: 'Tier ', attrs: { for: 'tier-override' } }),
      override,
      h('span', { class: 'spacer' }),
      stopButton,
      sendButton,
    ),
  ),
  budgetDialog,
);
override.id = 'tier-override';
document.body.append(app);

// ---- behaviour ----

function persist(): void {
  vscode.setState({ draft: prompt.value, choice: override.value as TierChoice, historyOpen: !historyPanel.hidden });
}

let draftTimer: ReturnType<typeof setTimeout> | undefined;
prompt.addEventListener('input', () => {
  renderEstimates();
  persist();
  // The recommendation runs the router in the host; figures above never wait for it.
  clearTimeout(draftTimer);
  draftTimer = setTimeout(() => post({ type: 'draft', text: prompt.value, choice: override.value as TierChoice }), 120);
});
prompt.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  } else if (event.key === 'Escape' && state.busy) {
    post({ type: 'stop' });
  }
});
override.addEventListener('change', () => {
  renderEstimates();
  renderRecommendation();
  persist();
});
sendButton.addEventListener('click', send);
stopButton.addEventListener('click', () => post({ type: 'stop' }));

function send(): void {
  const text = prompt.value;
  if (text.trim() === '' || state.busy || state.sending) return;
  state.sending = true;
  renderBusy();
  post({ type: 'send', text, choice: override.value as TierChoice });
}

function setHistoryOpen(open: boolean): void {
  historyPanel.hidden = !open;
  historyToggle.setAttribute('aria-expanded', String(open));
  persist();
}
setHistoryOpen(saved?.historyOpen ?? false);

function answerBudget(sendAnyway: boolean): void {
  if (state.budgetPromptId) post({ type: 'budgetAnswer', promptId: state.budgetPromptId, sendAnyway });
  state.budgetPromptId = null;
  if (budgetDialog.open) budgetDialog.close();
}

// ---- rendering ----

function selectedTier(): RoutedTier {
  const choice = override.value as TierChoice;
  if (choice !== 'auto') return choice;
  return state.recommendation?.tier ?? 'sonnet';
}

const draftCounter = new DraftTokenCounter();
function renderEstimates(): void {
  const figures = estimateDraft(state.basis, prompt.value, Date.now(), draftCounter);
  const recommended = state.recommendation && state.recommendation.draft.trim() !== '' ? state.recommendation.tier : null;
  const selected = selectedTier();
  fill(
    estimatesBody,
    ...figures.map((figure) =>
      h(
        'tr',
        {
          testid: `tier-estimate-${figure.tier}`,
          attrs: { 'data-recommended': String(figure.tier === recommended), 'data-selected': String(figure.tier === selected) },
        },
        h('td', { text: `${TIER_LABEL[figure.tier]}${figure.tier === recommended ? ' ★' : ''}` }),
        h('td', { class: 'muted', text: figure.displayName }),
        h('td', { class: 'num', testid: `tier-tokens-${figure.tier}`, text: formatTokens(figure.inputTokens) }),
        h('td', { class: 'num', testid: `tier-cost-${figure.tier}`, text: formatUsd(figure.usd) }),
      ),
    ),
  );
  const draftTokens = figures.find((f) => f.tier === selected)?.draftTokens ?? 0;
  const warning = prompt.value.trim() === '' ? undefined : contextWarning(state.attachments, draftTokens, selected);
  contextWarningBox.hidden = warning === undefined;
  contextWarningBox.textContent = warning ?? '';
  renderAttachments();
}

function renderRecommendation(): void {
  const rec = state.recommendation;
  if (!rec || prompt.value.trim() === '') {
    fill(recommendation, h('span', { class: 'muted', text: 'Type a message to see the recommended tier and why.' }));
    return;
  }
  const choice = override.value as TierChoice;
  const below = choice !== 'auto' && TIER_RANK[choice] < TIER_RANK[rec.tier];
  fill(
    recommendation,
    h('div', { testid: 'recommendation-tier', text: `Recommended: ${TIER_LABEL[rec.tier]} (${rec.model})` }),
    below
      ? h('div', {
          class: 'warning',
          testid: 'override-warning',
          attrs: { role: 'status' },
          text: `${TIER_LABEL[choice]} is below the recommended ${TIER_LABEL[rec.tier]}: cheaper, but it may miss what this prompt needs.`,
        })
      : null,
    h('ul', { testid: 'recommendation-reasons' }, ...rec.reasons.map((reason) => h('li', { text: reason }))),
  );
}

function renderAttachments(): void {
  const tier = selectedTier();
  fill(
    attachmentList,
    ...state.attachments.map((attachment) =>
      h(
        'li',
        { testid: 'attachment', attrs: { 'data-kind': attachment.kind } },
        h('span', { text: attachment.label }),
        h('span', {
          testid: 'attachment-weight',
          text: `${formatTokens(attachment.tokens[tier])} tok · ${formatUsd(attachment.usd[tier])}`,
        }),
        h('button', {
          testid: 'attachment-remove',
          text: '×',
          attrs: { 'aria-label': `Remove ${attachment.label}` },
          on: { click: () => post({ type: 'detach', attachmentId: attachment.id }) },
        }),
      ),
    ),
  );
}

function renderBusy(): void {
  const blocked = state.busy || state.sending;
  sendButton.disabled = blocked;
  stopButton.hidden = !state.busy;
  app.setAttribute('aria-busy', String(state.busy));
  for (const retry of transcript.querySelectorAll<HTMLElement>('[data-testid="turn-retry-higher"]')) retry.hidden = state.busy;
}

function renderHistory(): void {
  const currentId = state.conversation?.id;
  if (state.history.length === 0) {
    fill(historyList, h('li', { class: 'muted', text: 'No earlier conversations in this workspace yet.' }));
    return;
  }
  fill(
    historyList,
    ...state.history.map((entry) =>
      h(
        'li',
        { testid: 'history-item', attrs: { 'aria-current': String(entry.id === currentId) } },
        h('button', {
          class: 'open',
          testid: 'history-open',
          text: `${entry.title} · ${entry.turns} turn${entry.turns === 1 ? '' : 's'} · ${formatUsd(entry.usd)}`,
          on: { click: () => post({ type: 'openConversation', conversationId: entry.id }) },
        }),
        h('button', {
          class: 'link',
          testid: 'history-delete',
          text: 'Delete',
          attrs: { 'aria-label': `Delete conversation ${entry.title}` },
          on: { click: () => post({ type: 'deleteConversation', conversationId: entry.id }) },
        }),
      ),
    ),
  );
}

/** Each shown turn's <article> by turn id: a changed turn replaces only its own element. */
const articles = new Map<string, HTMLElement>();

/** The whole transcript: only for a new conversation (init, conversation) or a new renderer. */
function renderConversation(): void {
  const conversation = state.conversation;
  title.textContent = conversation?.title ?? 'New chat';
  articles.clear();
  if (!conversation || conversation.turns.length === 0) {
    fill(
      transcript,
      h(
        'div',
        { class: 'empty muted', testid: 'empty-state' },
        h('p', { text: 'Ask a question. Before you send, Tally shows what it will cost on each tier and which one it recommends.' }),
        h('p', { text: 'Attach the current file or selection to give context; each attachment shows its weight.' }),
      ),
    );
    return;
  }
  fill(transcript, ...conversation.turns.map(turnElement));
  transcript.scrollTop = transcript.scrollHeight;
}

function turnElement(turn: Turn): HTMLElement {
  const superseded = state.conversation?.turns.some((t) => t.supersedes === turn.id) ?? false;
  const answer = h('div', { class: 'answer markdown', testid: 'turn-answer' });
  answer.innerHTML = render(turn.answer);
  const isLast = state.conversation?.turns.at(-1)?.id === turn.id;
  const higher = turn.tier ? NEXT_TIER[turn.tier] : null;
  const meta = h('footer', { class: 'meta', testid: 'turn-meta' });
  if (turn.model) meta.append(h('span', { testid: 'turn-model', text: `${turn.tier ? TIER_LABEL[turn.tier] : ''} · ${turn.model}` }));
  if (turn.usage) {
    meta.append(
      h('span', {
        testid: 'turn-cost',
        text: `${formatUsd(turn.usage.usd)}${turn.estimateUsd !== null ? ` (est. ${formatUsd(turn.estimateUsd)})` : ''} · ${formatTokens(turn.usage.inputTokens + turn.usage.cacheReadTokens + turn.usage.cacheWriteTokens)} in / ${formatTokens(turn.usage.outputTokens)} out`,
      }),
      h('span', {
        testid: 'turn-cache',
        text:
          turn.usage.cacheReadTokens > 0
            ? `cache read ${formatTokens(turn.usage.cacheReadTokens)} tok, saved ${formatUsd(turn.usage.savedUsd)}`
            : turn.usage.cacheWriteTokens > 0
              ? `cache written ${formatTokens(turn.usage.cacheWriteTokens)} tok (${formatUsd(-turn.usage.savedUsd)} extra now, cheaper next turn)`
              : 'no cache used',
      }),
    );
  }
  if (turn.status === 'streaming') meta.append(h('span', { testid: 'turn-status', text: 'streaming…' }));
  if (turn.status === 'aborted') meta.append(h('span', { testid: 'turn-status', text: 'stopped' }));
  if (superseded) meta.append(h('span', { testid: 'turn-status', text: 'retried on a higher tier' }));
  if (turn.reasons.length > 0) {
    meta.append(
      h(
        'details',
        { testid: 'turn-reasons' },
        h('summary', { text: 'Why this model' }),
        h('ul', {}, ...turn.reasons.map((reason) => h('li', { text: reason }))),
      ),
    );
  }
  if (isLast && higher && (turn.status === 'ok' || turn.status === 'aborted')) {
    meta.append(
      h('button', {
        class: 'secondary',
        testid: 'turn-retry-higher',
        text: `Retry on ${TIER_LABEL[higher]}`,
        // Hidden (not rebuilt) while a reply streams: see renderBusy.
        attrs: { 'aria-label': `Ask again on the ${TIER_LABEL[higher]} tier`, hidden: state.busy ? '' : undefined },
        on: { click: () => post({ type: 'retryHigher', turnId: turn.id }) },
      }),
    );
  }
  const article = h(
    'article',
    {
      class: 'turn',
      testid: 'turn',
      attrs: {
        'data-turn-id': turn.id,
        'data-status': turn.status,
        'data-superseded': String(superseded),
        'aria-busy': String(turn.status === 'streaming'),
      },
    },
    h('div', { class: 'user', testid: 'turn-user', text: turn.user }),
    turn.attachments.length > 0
      ? h('div', {
          class: 'used muted',
          text: `with ${turn.attachments.map((a) => `${a.label} (${formatTokens(a.tokens)} tok)`).join(', ')}`,
        })
      : null,
    answer,
    turn.error ? h('div', { class: 'error', testid: 'turn-error', attrs: { role: 'alert' }, text: turn.error }) : null,
    turn.trimmed ? h('div', { class: 'muted', testid: 'turn-trimmed', text: turn.trimmed }) : null,
    meta,
  );
  articles.set(turn.id, article);
  return article;
}

/**
 * One turn changed or arrived: rebuild its article, the one it supersedes (now marked) and the
 * turn that was last before it (it loses its retry button). Earlier answers are not re-parsed.
 */
function replaceTurn(turn: Turn): void {
  const conversation = state.conversation;
  if (!conversation) return;
  const index = conversation.turns.findIndex((t) => t.id === turn.id);
  const previousLast = conversation.turns.at(-1)?.id;
  if (index >= 0) conversation.turns[index] = turn;
  else conversation.turns.push(turn);
  if (conversation.turns.length === 1 && index < 0) return renderConversation(); // replaces the empty state
  const affected = new Set([turn.id, turn.supersedes, index < 0 ? previousLast : null]);
  for (const t of conversation.turns) {
    if (!affected.has(t.id)) continue;
    const old = articles.get(t.id);
    const fresh = turnElement(t);
    if (old?.parentNode === transcript) old.replaceWith(fresh);
    else transcript.append(fresh);
  }
  transcript.scrollTop = transcript.scrollHeight;
}

/** Streaming: re-render the growing answer at most once per frame. */
const pendingRender = new Set<string>();
function appendDelta(turnId: string, text: string): void {
  const turn = state.conversation?.turns.find((t) => t.id === turnId);
  if (!turn) return;
  turn.answer += text;
  if (pendingRender.has(turnId)) return;
  pendingRender.add(turnId);
  requestAnimationFrame(() => {
    pendingRender.delete(turnId);
    const element = articles.get(turnId)?.querySelector('[data-testid="turn-answer"]');
    if (!element) return;
    const atBottom = transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
    element.innerHTML = render(turn.answer);
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  });
}

function showNotice(notice: Notice | null): void {
  noticeBox.hidden = notice === null;
  if (!notice) return;
  noticeBox.dataset['kind'] = notice.kind;
  fill(
    noticeBox,
    h('span', { class: 'message', testid: 'notice-message', text: notice.message }),
    notice.action
      ? h('button', {
          testid: 'notice-action',
          text: notice.action === 'tally.setApiKey' ? 'Set API key' : 'Manage workspace trust',
          on: { click: () => post({ type: 'runCommand', command: notice.action! }) },
        })
      : null,
    h('button', {
      class: 'link',
      testid: 'notice-dismiss',
      text: 'Dismiss',
      attrs: { 'aria-label': 'Dismiss this message' },
      on: { click: () => showNotice(null) },
    }),
  );
}

function showBudgetPrompt(budget: BudgetPrompt): void {
  state.budgetPromptId = budget.promptId;
  budgetTitle.textContent = budget.kind === 'refuse' ? 'Over budget: not sent' : 'Confirm this request';
  const text = budget.message.replace(/; send anyway to override$/, '');
  budgetMessage.textContent =
    text.charAt(0).toUpperCase() + text.slice(1) + (budget.kind === 'refuse' ? '. Send it anyway?' : '. Send it?');
  if (!budgetDialog.open) budgetDialog.showModal();
  byTestId<HTMLButtonElement>(budgetDialog, 'budget-cancel')?.focus();
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'init':
      state.conversation = message.conversation;
      state.history = message.history;
      state.basis = message.basis;
      state.attachments = message.attachments;
      state.busy = message.busy;
      state.sending = false;
      // Any dialog still open is re-sent right after init; one that is not was answered or withdrawn.
      state.budgetPromptId = null;
      if (budgetDialog.open) budgetDialog.close();
      renderConversation();
      renderHistory();
      renderEstimates();
      renderRecommendation();
      renderBusy();
      if (prompt.value.trim() !== '') post({ type: 'draft', text: prompt.value, choice: override.value as TierChoice });
      return;
    case 'basis':
      state.basis = message.basis;
      return renderEstimates();
    case 'attachments':
      state.attachments = message.attachments;
      return renderEstimates();
    case 'recommendation':
      if (message.recommendation.draft !== prompt.value) return; // an answer for older text
      state.recommendation = message.recommendation;
      renderRecommendation();
      return renderEstimates();
    case 'history':
      state.history = message.history;
      return renderHistory();
    case 'conversation':
      state.conversation = message.conversation;
      renderConversation();
      return renderHistory();
    case 'turn':
      if (state.sending && message.turn.status === 'streaming') {
        // The host took the message: the composer is free for the next one.
        state.sending = false;
        prompt.value = '';
        state.recommendation = null;
        renderRecommendation();
        renderEstimates();
        persist();
      }
      return replaceTurn(message.turn);
    case 'delta':
      return appendDelta(message.turnId, message.text);
    case 'busy':
      // Only the controls change: the transcript is not rebuilt.
      state.busy = message.busy;
      return renderBusy();
    case 'notice':
      return showNotice(message.notice);
    case 'budgetPrompt':
      return showBudgetPrompt(message.prompt);
    case 'setDraft':
      state.sending = false;
      renderBusy();
      if (prompt.value.trim() === '' || prompt.value === message.text) prompt.value = message.text;
      else prompt.value = `${prompt.value}\n\n${message.text}`;
      if (message.choice) override.value = message.choice;
      persist();
      renderEstimates();
      prompt.focus();
      post({ type: 'draft', text: prompt.value, choice: override.value as TierChoice });
      return;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  if ('error' in parsed) {
    console.error(`Tally chat: ignored a malformed message: ${parsed.error}`);
    return;
  }
  handle(parsed.message);
});

function escapeForText(text: string): string {
  const div = document.createElement('div');
  div.textContent = text;
  return div.innerHTML;
}

void createMarkdownRenderer(DOMPurify).then((renderer) => {
  render = renderer;
  renderConversation();
});
renderRecommendation();
renderBusy();
prompt.focus();
post({ type: 'ready' });
