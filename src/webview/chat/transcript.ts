import { formatTokens, formatUsd } from '../../core/format.js';
import { nextTier, tierLabel } from '../../core/tiers.js';
import type { Conversation, Turn, WebviewMessage } from '../../protocol/chat.js';
import { fill, h } from '../shared/dom.js';
import type { RenderMarkdown } from './render.js';

export interface Transcript {
  element: HTMLElement;
  /** The whole conversation: for a new one (init, conversation) or a new renderer. */
  show(conversation: Conversation | null): void;
  /** A turn arrived or changed: rebuilds only the articles it concerns. */
  replaceTurn(turn: Turn): void;
  /** Streamed text for a turn, re-rendered at most once per frame. */
  appendDelta(turnId: string, text: string): void;
  setBusy(busy: boolean): void;
  setRenderer(render: RenderMarkdown): void;
}

/**
 * The conversation as articles, one per turn, with what answered, why, what it cost and what
 * caching did. It is a log region, so a screen reader announces answers as they stream in.
 */
export function createTranscript(post: (message: WebviewMessage) => void, initialRender: RenderMarkdown): Transcript {
  let conversation: Conversation | null = null;
  let render = initialRender;
  let busy = false;
  const articles = new Map<string, HTMLElement>();
  const pendingRender = new Set<string>();
  const element = h('main', {
    class: 'transcript',
    testid: 'transcript',
    attrs: { 'aria-label': 'Conversation', tabindex: '0', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions text' },
  });

  function show(next: Conversation | null): void {
    conversation = next;
    articles.clear();
    if (!next || next.turns.length === 0) {
      fill(
        element,
        h(
          'div',
          { class: 'empty muted', testid: 'empty-state' },
          h('p', { text: 'Ask a question. Before you send, Tally shows what it will cost on each tier and which one it recommends.' }),
          h('p', { text: 'Attach the current file or selection to give context; each attachment shows its weight.' }),
        ),
      );
      return;
    }
    fill(element, ...next.turns.map(turnElement));
    element.scrollTop = element.scrollHeight;
  }

  function turnElement(turn: Turn): HTMLElement {
    const superseded = conversation?.turns.some((t) => t.supersedes === turn.id) ?? false;
    const answer = h('div', { class: 'answer markdown', testid: 'turn-answer' });
    answer.innerHTML = render(turn.answer);
    const isLast = conversation?.turns.at(-1)?.id === turn.id;
    const higher = turn.tier ? nextTier(turn.tier) : null;
    const meta = h('footer', { class: 'meta', testid: 'turn-meta' });
    if (turn.model) meta.append(h('span', { testid: 'turn-model', text: `${turn.tier ? tierLabel(turn.tier) : ''} · ${turn.model}` }));
    if (turn.usage) meta.append(...usageParts(turn));
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
          text: `Retry on ${tierLabel(higher)}`,
          // Hidden (not rebuilt) while a reply streams: see setBusy.
          attrs: { 'aria-label': `Ask again on the ${tierLabel(higher)} tier`, hidden: busy ? '' : undefined },
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

  return {
    element,
    show,
    replaceTurn(turn) {
      if (!conversation) return;
      const index = conversation.turns.findIndex((t) => t.id === turn.id);
      const previousLast = conversation.turns.at(-1)?.id;
      if (index >= 0) conversation.turns[index] = turn;
      else conversation.turns.push(turn);
      if (conversation.turns.length === 1 && index < 0) return show(conversation); // replaces the empty state
      // The turn itself, the one it supersedes (now marked) and the previous last one (it loses its retry button).
      const affected = new Set([turn.id, turn.supersedes, index < 0 ? previousLast : null]);
      for (const t of conversation.turns) {
        if (!affected.has(t.id)) continue;
        const old = articles.get(t.id);
        const fresh = turnElement(t);
        if (old?.parentNode === element) old.replaceWith(fresh);
        else element.append(fresh);
      }
      element.scrollTop = element.scrollHeight;
    },
    appendDelta(turnId, text) {
      const turn = conversation?.turns.find((t) => t.id === turnId);
      if (!turn) return;
      turn.answer += text;
      if (pendingRender.has(turnId)) return;
      pendingRender.add(turnId);
      requestAnimationFrame(() => {
        pendingRender.delete(turnId);
        const target = articles.get(turnId)?.querySelector('[data-testid="turn-answer"]');
        if (!target) return;
        const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
        target.innerHTML = render(turn.answer);
        if (atBottom) element.scrollTop = element.scrollHeight;
      });
    },
    setBusy(next) {
      busy = next;
      for (const retry of element.querySelectorAll<HTMLElement>('[data-testid="turn-retry-higher"]')) retry.hidden = busy;
    },
    setRenderer(next) {
      render = next;
      show(conversation);
    },
  };
}

/** What a turn cost, and what caching did for it, in words. */
function usageParts(turn: Turn): HTMLElement[] {
  const usage = turn.usage!;
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const estimate = turn.estimateUsd !== null ? ` (est. ${formatUsd(turn.estimateUsd)})` : '';
  return [
    h('span', {
      testid: 'turn-cost',
      text: `${formatUsd(usage.usd)}${estimate} · ${formatTokens(input)} in / ${formatTokens(usage.outputTokens)} out`,
    }),
    h('span', {
      testid: 'turn-cache',
      text:
        usage.cacheReadTokens > 0
          ? `cache read ${formatTokens(usage.cacheReadTokens)} tok, saved ${formatUsd(usage.savedUsd)}`
          : usage.cacheWriteTokens > 0
            ? `cache written ${formatTokens(usage.cacheWriteTokens)} tok (${formatUsd(-usage.savedUsd)} extra now, cheaper next turn)`
            : 'no cache used',
    }),
  ];
}
