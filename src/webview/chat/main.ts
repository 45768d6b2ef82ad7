import '../shared/base.css';
import './chat.css';
import DOMPurify from 'dompurify';
import { conversationTitle } from '../../core/format.js';
import { h } from '../shared/dom.js';
import { parseHostMessage, type Conversation, type HostMessage } from '../../protocol/chat.js';
import { createBudgetDialog, createHeader, createNotice } from './chrome.js';
import { createComposer } from './composer.js';
import { connectToHost } from './host.js';
import { createMarkdownRenderer } from './render.js';
import { createTranscript } from './transcript.js';

// The chat panel's webview. Everything it shows arrives as validated messages from the host, the
// per-tier figures for the draft included (the host prices every keystroke with the one estimate).

function start(): void {
  const host = connectToHost();
  const saved = host.saved();
  const post = host.post;
  const state = { conversation: null as Conversation | null, busy: false };

  const persist = () => {
    const draft = composer.draft();
    host.save({ draft: draft.text, choice: draft.choice, historyOpen: header.isOpen() });
  };
  const header = createHeader(post, saved.historyOpen ?? false, persist);
  const notice = createNotice(post);
  const transcript = createTranscript(post, escapeForText);
  const composer = createComposer(
    post,
    { ...(saved.draft ? { draft: saved.draft } : {}), ...(saved.choice ? { choice: saved.choice } : {}) },
    persist,
  );
  const budget = createBudgetDialog(post, () => composer.focus());
  const app = h(
    'div',
    { attrs: { id: 'app' } },
    header.header,
    header.apiNote,
    header.panel,
    notice.element,
    transcript.element,
    composer.element,
    budget.element,
  );
  document.body.append(app);

  const setBusy = () => {
    composer.setBusy(state.busy);
    transcript.setBusy(state.busy);
    app.setAttribute('aria-busy', String(state.busy));
  };

  const handle = (message: HostMessage): void => {
    switch (message.type) {
      case 'init':
        state.conversation = message.conversation;
        state.busy = message.busy;
        composer.returned();
        // Any dialog still open is re-sent right after init; one that is not was answered or withdrawn.
        budget.withdraw();
        header.setTitle(message.conversation.title);
        header.setApiNote(message.apiNote);
        header.showHistory(message.history, message.conversation.id);
        transcript.show(message.conversation);
        composer.showAttachments(message.attachments);
        composer.putDraft(composer.draft().text, null);
        return setBusy();
      case 'estimates':
        return composer.showEstimates(message.estimates);
      case 'attachments':
        return composer.showAttachments(message.attachments);
      case 'history':
        return header.showHistory(message.history, state.conversation?.id);
      case 'conversation':
        state.conversation = message.conversation;
        header.setTitle(message.conversation.title);
        return transcript.show(message.conversation);
      case 'turn':
        if (message.turn.status === 'streaming') {
          // The host took the message: the composer is free for the next one, and keeps the focus.
          composer.taken();
          if (state.conversation?.turns.length === 0) header.setTitle(conversationTitle(message.turn.user));
        }
        return transcript.replaceTurn(message.turn);
      case 'delta':
        return transcript.appendDelta(message.turnId, message.text);
      case 'busy':
        // Only the controls change: the transcript is not rebuilt.
        state.busy = message.busy;
        return setBusy();
      case 'notice':
        return notice.show(message.notice);
      case 'budgetPrompt':
        return budget.show(message.prompt);
      case 'setDraft': {
        composer.returned();
        const current = composer.draft().text;
        const text = current.trim() === '' || current === message.text ? message.text : `${current}\n\n${message.text}`;
        return composer.putDraft(text, message.choice);
      }
    }
  };

  window.addEventListener('message', (event: MessageEvent) => {
    const parsed = parseHostMessage(event.data);
    if ('error' in parsed) {
      console.error(`Tally chat: ignored a malformed message: ${parsed.error}`);
      return;
    }
    handle(parsed.message);
  });
  void createMarkdownRenderer(DOMPurify).then((renderer) => transcript.setRenderer(renderer));
  setBusy();
  composer.focus();
  post({ type: 'ready' });
}

function escapeForText(text: string): string {
  const div = document.createElement('div');
  div.textContent = text;
  return div.innerHTML;
}

start();
