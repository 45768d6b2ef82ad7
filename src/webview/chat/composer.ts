import { formatTokens, formatUsd } from '../../core/format.js';
import { TIER_CHOICES, tierLabel, tierRank, type RoutedTier, type TierChoice } from '../../core/tiers.js';
import type { Attachment, DraftEstimates, WebviewMessage } from '../../protocol/chat.js';
import { fill, h } from '../shared/dom.js';

export interface Composer {
  element: HTMLElement;
  /** Figures from the host for a draft; older ones than the last draft sent are ignored. */
  showEstimates(estimates: DraftEstimates): void;
  showAttachments(attachments: readonly Attachment[]): void;
  setBusy(busy: boolean): void;
  /** The host took the message sent (its turn is streaming): the composer is free for the next one. */
  taken(): void;
  /** The host handed the message back unsent: Send works again. */
  returned(): void;
  /** Text for the composer (from the editor, or handed back unsent), optionally with a tier. */
  putDraft(text: string, choice: TierChoice | null): void;
  /** The text typed so far, the tier chosen and whether the history is open, for the saved state. */
  draft(): { text: string; choice: TierChoice };
  focus(): void;
}

/**
 * Where a message is written and priced: the text, the tier, Send and Stop, each tier's estimate
 * (sent by the host for every keystroke: the webview computes no figures), the recommendation and
 * the attachments with their weight.
 */
export function createComposer(
  post: (message: WebviewMessage) => void,
  initial: { draft?: string; choice?: TierChoice },
  onChange: () => void,
): Composer {
  let seq = 0;
  let latest: DraftEstimates | null = null;
  let attachments: readonly Attachment[] = [];
  let busy = false;
  let sending = false;

  const prompt = h('textarea', {
    class: 'prompt',
    testid: 'prompt-input',
    attrs: {
      'aria-label': 'Message. Enter sends, Shift+Enter adds a new line.',
      placeholder: 'Ask about your code… (Enter sends, Shift+Enter new line)',
      rows: '3',
    },
  });
  prompt.value = initial.draft ?? '';
  const override = h(
    'select',
    { testid: 'tier-override', attrs: { 'aria-label': 'Model tier for this message', id: 'tier-override' } },
    ...TIER_CHOICES.map((choice) =>
      h('option', { attrs: { value: choice }, text: choice === 'auto' ? 'Auto (recommended)' : tierLabel(choice) }),
    ),
  );
  override.value = initial.choice ?? 'auto';
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
  // Every tier's cost in one line; the table behind it. A narrow side bar starts folded so the
  // conversation keeps the room, a wide panel starts open; the user's toggle wins after that.
  const tierSummary = h('span', { testid: 'tier-summary' });
  const tierDetails = h(
    'details',
    { class: 'tier-details', testid: 'tier-details', attrs: { open: window.innerWidth >= 420 ? '' : undefined } },
    h('summary', {}, tierSummary),
    estimates,
  );
  const basisNote = h('div', { class: 'muted', testid: 'estimate-basis' });
  const recommendation = h('div', { class: 'recommendation', testid: 'recommendation', attrs: { 'aria-live': 'polite' } });
  const attachmentList = h('ul', { class: 'attachments', testid: 'attachments', attrs: { 'aria-label': 'Attached context' } });
  const warningBox = h('div', { class: 'warning', testid: 'context-warning', attrs: { role: 'status', hidden: '' } });

  const choice = () => override.value as TierChoice;
  const selectedTier = (): RoutedTier => (choice() !== 'auto' ? (choice() as RoutedTier) : (latest?.recommendation?.tier ?? 'sonnet'));
  const askForEstimates = () => post({ type: 'draft', seq: ++seq, text: prompt.value, choice: choice() });

  const send = () => {
    const text = prompt.value;
    if (text.trim() === '' || busy || sending) return;
    sending = true;
    render();
    post({ type: 'send', text, choice: choice() });
  };
  prompt.addEventListener('input', () => {
    askForEstimates();
    onChange();
  });
  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === 'Escape' && busy) {
      post({ type: 'stop' });
    }
  });
  override.addEventListener('change', () => {
    askForEstimates();
    onChange();
  });
  sendButton.addEventListener('click', send);
  stopButton.addEventListener('click', () => post({ type: 'stop' }));

  function renderEstimates(): void {
    const figures = latest?.tiers ?? [];
    const recommended = latest?.recommendation?.tier ?? null;
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
          // The model's name is also the tier cell's tooltip: a narrow side bar hides the Model column.
          h('td', { text: `${tierLabel(figure.tier)}${figure.tier === recommended ? ' ★' : ''}`, attrs: { title: figure.displayName } }),
          h('td', { class: 'muted', text: figure.displayName }),
          h('td', { class: 'num', testid: `tier-tokens-${figure.tier}`, text: formatTokens(figure.inputTokens) }),
          h('td', {
            class: 'num',
            testid: `tier-cost-${figure.tier}`,
            text: formatUsd(figure.usd),
            attrs: {
              title: `${formatUsd(figure.usdLow)} to ${formatUsd(figure.usdHigh)} for an answer of ${formatTokens(figure.outputLow)}-${formatTokens(figure.outputHigh)} tokens`,
            },
          }),
        ),
      ),
    );
    tierSummary.textContent =
      figures.length > 0
        ? figures.map((f) => `${tierLabel(f.tier)}${f.tier === recommended ? ' ★' : ''} ${formatUsd(f.usd)}`).join(' · ')
        : 'Cost on every tier';
    const shown = figures.find((f) => f.tier === selected);
    basisNote.textContent = shown
      ? `${shown.exact ? "Anthropic's count" : 'Offline estimate'}; ${formatUsd(shown.usdLow)}-${formatUsd(shown.usdHigh)} for a ${formatTokens(shown.outputLow)}-${formatTokens(shown.outputHigh)}-token answer.`
      : '';
    basisNote.dataset['exact'] = String(shown?.exact ?? false);
    warningBox.hidden = !latest?.warning;
    warningBox.textContent = latest?.warning ?? '';
  }

  function renderRecommendation(): void {
    const rec = latest?.recommendation;
    if (!rec || prompt.value.trim() === '') {
      fill(recommendation, h('span', { class: 'muted', text: 'Type a message to see the recommended tier and why.' }));
      return;
    }
    const below = choice() !== 'auto' && tierRank(choice()) < tierRank(rec.tier);
    fill(
      recommendation,
      h('div', { testid: 'recommendation-tier', text: `Recommended: ${tierLabel(rec.tier)} (${rec.model})` }),
      below
        ? h('div', {
            class: 'warning',
            testid: 'override-warning',
            attrs: { role: 'status' },
            text: `${tierLabel(choice())} is below the recommended ${tierLabel(rec.tier)}: cheaper, but it may miss what this prompt needs.`,
          })
        : null,
      h('ul', { testid: 'recommendation-reasons' }, ...rec.reasons.map((reason) => h('li', { text: reason }))),
    );
  }

  function renderAttachments(): void {
    const tier = selectedTier();
    fill(
      attachmentList,
      ...attachments.map((attachment) =>
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

  function render(): void {
    sendButton.disabled = busy || sending;
    stopButton.hidden = !busy;
    renderEstimates();
    renderRecommendation();
    renderAttachments();
  }

  const element = h(
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
    warningBox,
    prompt,
    tierDetails,
    basisNote,
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
  );
  render();
  askForEstimates();

  return {
    element,
    showEstimates(next) {
      if (next.seq < seq && latest !== null) return; // an answer to older text
      latest = next;
      render();
    },
    showAttachments(next) {
      attachments = next;
      renderAttachments();
    },
    setBusy(nextBusy) {
      busy = nextBusy;
      render();
    },
    taken() {
      if (!sending) return;
      sending = false;
      prompt.value = '';
      askForEstimates();
      onChange();
      render();
      prompt.focus();
    },
    returned() {
      sending = false;
      render();
    },
    putDraft(text, chosen) {
      prompt.value = text;
      if (chosen) override.value = chosen;
      askForEstimates();
      onChange();
      prompt.focus();
    },
    draft: () => ({ text: prompt.value, choice: choice() }),
    focus: () => prompt.focus(),
  };
}
