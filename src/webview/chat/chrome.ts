import { formatUsd } from '../../core/format.js';
import type { BudgetPrompt, ConversationSummary, Notice, WebviewMessage } from '../../protocol/chat.js';
import { byTestId, fill, h } from '../shared/dom.js';

/** The panel's header (title, history, new chat) and its conversation history list. */
export function createHeader(post: (message: WebviewMessage) => void, historyOpen: boolean, onToggle: () => void) {
  const title = h('div', { class: 'title', testid: 'conversation-title' });
  const apiNote = h('p', { class: 'api-note', testid: 'api-note', attrs: { role: 'note', hidden: '' } });
  const list = h('ul', { testid: 'history-list', attrs: { 'aria-label': 'Earlier conversations' } });
  const panel = h('nav', { class: 'history', attrs: { id: 'history', 'aria-label': 'Chat history', hidden: '' } }, list);
  const toggle = h('button', {
    class: 'secondary',
    testid: 'history-toggle',
    text: 'History',
    attrs: { 'aria-expanded': 'false', 'aria-controls': 'history' },
    on: { click: () => setOpen(panel.hidden) },
  });
  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    onToggle();
  };
  const header = h(
    'header',
    { class: 'toolbar' },
    title,
    toggle,
    h('button', {
      class: 'secondary',
      testid: 'new-chat',
      text: 'New chat',
      attrs: { 'aria-label': 'Start a new chat' },
      on: { click: () => post({ type: 'newChat' }) },
    }),
  );
  panel.hidden = !historyOpen;
  toggle.setAttribute('aria-expanded', String(historyOpen));
  return {
    header,
    apiNote,
    panel,
    isOpen: () => !panel.hidden,
    setTitle: (text: string) => (title.textContent = text),
    /** The simulated-API line under the toolbar, or none. */
    setApiNote: (text: string | undefined) => {
      apiNote.textContent = text ?? '';
      apiNote.hidden = !text;
    },
    showHistory(history: readonly ConversationSummary[], currentId: string | undefined) {
      if (history.length === 0) {
        fill(list, h('li', { class: 'muted', text: 'No earlier conversations in this workspace yet.' }));
        return;
      }
      fill(
        list,
        ...history.map((entry) =>
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
    },
  };
}

/** One notice at a time (a missing key, a warning), with the command it offers and a dismiss. */
export function createNotice(post: (message: WebviewMessage) => void) {
  const box = h('div', { class: 'notice', testid: 'notice', attrs: { role: 'alert', hidden: '' } });
  const show = (notice: Notice | null): void => {
    box.hidden = notice === null;
    if (!notice) return;
    box.dataset['kind'] = notice.kind;
    fill(
      box,
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
        on: { click: () => show(null) },
      }),
    );
  };
  return { element: box, show };
}

/** The budget question ("Over budget: not sent" / "Confirm this request"), answered Send anyway or Cancel. */
export function createBudgetDialog(post: (message: WebviewMessage) => void, afterAnswer: () => void) {
  let promptId: string | null = null;
  const message = h('p', { testid: 'budget-message', attrs: { id: 'budget-message' } });
  const title = h('h2', { attrs: { id: 'budget-title' } });
  const answer = (sendAnyway: boolean) => {
    if (promptId) post({ type: 'budgetAnswer', promptId, sendAnyway });
    promptId = null;
    if (dialog.open) dialog.close();
    afterAnswer();
  };
  const dialog = h(
    'dialog',
    { testid: 'budget-dialog', attrs: { 'aria-labelledby': 'budget-title', 'aria-describedby': 'budget-message' } },
    title,
    message,
    h(
      'div',
      { class: 'row' },
      h('button', { class: 'secondary', testid: 'budget-cancel', text: 'Cancel', on: { click: () => answer(false) } }),
      h('button', { testid: 'budget-send-anyway', text: 'Send anyway', on: { click: () => answer(true) } }),
    ),
  );
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    answer(false);
  });
  return {
    element: dialog,
    show(budget: BudgetPrompt) {
      promptId = budget.promptId;
      title.textContent = budget.kind === 'refuse' ? 'Over budget: not sent' : 'Confirm this request';
      const text = budget.message.replace(/; send anyway to override$/, '');
      message.textContent = text.charAt(0).toUpperCase() + text.slice(1) + (budget.kind === 'refuse' ? '. Send it anyway?' : '. Send it?');
      if (!dialog.open) dialog.showModal();
      byTestId<HTMLButtonElement>(dialog, 'budget-cancel')?.focus();
    },
    /** A re-created state: any question still open is sent again right after init. */
    withdraw() {
      promptId = null;
      if (dialog.open) dialog.close();
    },
  };
}
