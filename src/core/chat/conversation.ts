import { appendBlock, layoutBlocks, type PromptBlock, type PromptLayout } from '../cache/planner.js';

/** A file attached to a conversation (or given to `tally estimate --context`). */
export interface ContextFile {
  path: string;
  text: string;
}

/** How an attached file is presented to the model (and so what it costs). */
export function contextBlockText(file: ContextFile): string {
  return `<file path="${file.path}">\n${file.text}\n</file>`;
}

export interface ChatTurn {
  /** 1-based turn number in the conversation. */
  number: number;
  user: string;
  assistant: string;
}

interface AttachedFile extends ContextFile {
  /** Turn that last attached or edited it (0: attached when the conversation started). */
  editedAtTurn: number;
  /** Order within the same turn, as given. */
  order: number;
}

/** The older turns a summary replaces: what the user sees as trimmed. */
export interface HistorySummary {
  text: string;
  /** Turn numbers it covers, oldest first. */
  turns: number[];
}

/**
 * A chat: system prompt, attached files, completed turns and (after compression) a summary of
 * the oldest turns. Requests are laid out so the cache survives change: system first, files
 * least recently edited first (an edit moves a file last, so it invalidates only itself and what
 * follows), then the summary, then the turns.
 */
export class Conversation {
  private files: AttachedFile[] = [];
  private turns: ChatTurn[] = [];
  private summaryState: HistorySummary | null = null;
  private attachCounter = 0;
  /** Pauses between a reply and the next question, ms: how this user works. */
  readonly thinkTimesMs: number[] = [];
  lastReplyAtMs: number | null = null;
  /** Tier of the latest turn, so the router does not switch silently. */
  lastTier: 'haiku' | 'sonnet' | 'opus' | null = null;

  constructor(
    readonly id: string,
    readonly system: string,
    context: readonly ContextFile[] = [],
  ) {
    this.attach(context, 0);
  }

  /** Attaches files; a file with the path of an attached one replaces it (an edit). Returns the replaced paths. */
  attach(files: readonly ContextFile[], turnNumber: number): string[] {
    const replaced: string[] = [];
    for (const file of files) {
      const existing = this.files.findIndex((attached) => attached.path === file.path);
      if (existing >= 0) {
        if (this.files[existing]!.text === file.text) continue; // unchanged: keep its place in the cache
        this.files.splice(existing, 1);
        replaced.push(file.path);
      }
      this.files.push({ path: file.path, text: file.text, editedAtTurn: turnNumber, order: this.attachCounter++ });
      this.version++;
    }
    return replaced;
  }

  get completedTurns(): readonly ChatTurn[] {
    return this.turns;
  }

  get summary(): HistorySummary | null {
    return this.summaryState;
  }

  get nextTurnNumber(): number {
    return (this.turns.at(-1)?.number ?? this.summaryState?.turns.at(-1) ?? 0) + 1;
  }

  /** Files in request order: least recently edited first. */
  orderedFiles(): ContextFile[] {
    return [...this.files].sort((a, b) => a.editedAtTurn - b.editedAtTurn || a.order - b.order).map(({ path, text }) => ({ path, text }));
  }

  addTurn(user: string, assistant: string, repliedAtMs: number): ChatTurn {
    const turn = { number: this.nextTurnNumber, user, assistant };
    this.turns.push(turn);
    this.version++;
    this.lastReplyAtMs = repliedAtMs;
    return turn;
  }

  /** Notes the pause before a new question and returns it (null for the first question). */
  observeQuestion(askedAtMs: number): number | null {
    if (this.lastReplyAtMs === null) return null;
    const pause = Math.max(0, askedAtMs - this.lastReplyAtMs);
    this.thinkTimesMs.push(pause);
    return pause;
  }

  /** Replaces the oldest turns, through `throughTurn`, with a summary (which absorbs any earlier one). */
  compress(summaryText: string, throughTurn: number): HistorySummary {
    const trimmed = this.turns.filter((turn) => turn.number <= throughTurn).map((turn) => turn.number);
    this.turns = this.turns.filter((turn) => turn.number > throughTurn);
    this.summaryState = { text: summaryText, turns: [...(this.summaryState?.turns ?? []), ...trimmed] };
    this.version++;
    return this.summaryState;
  }

  /**
   * The request for `message` as cache-keyed blocks, token counts from `tokensOf` (for the message,
   * `messageTokens` when given: a draft's count kept between keystrokes). What comes before the
   * message is laid out once per state of the conversation and counter, so re-pricing a draft on
   * every keystroke hashes only the draft.
   */
  layout(message: string, tokensOf: (text: string) => number, frameTokens: number, messageTokens?: number): PromptLayout {
    const cached = this.prefixCache;
    const prefix =
      cached && cached.version === this.version && cached.tokensOf === tokensOf && cached.frameTokens === frameTokens
        ? cached.layout
        : this.layoutPrefix(tokensOf, frameTokens);
    this.prefixCache = { version: this.version, tokensOf, frameTokens, layout: prefix };
    const block: PromptBlock = { area: 'turn', role: 'user', text: message, tokens: messageTokens ?? tokensOf(message) };
    return appendBlock(prefix, block, frameTokens);
  }

  private prefixCache: { version: number; tokensOf: (text: string) => number; frameTokens: number; layout: PromptLayout } | undefined;
  /** Bumped by every change to what a request carries before the new message. */
  private version = 0;

  private layoutPrefix(tokensOf: (text: string) => number, frameTokens: number): PromptLayout {
    const blocks: PromptBlock[] = [];
    const push = (area: PromptBlock['area'], role: PromptBlock['role'], text: string) =>
      blocks.push({ area, role, text, tokens: tokensOf(text) });
    if (this.system) push('system', 'system', this.system);
    const ordered = [...this.files].sort((a, b) => a.editedAtTurn - b.editedAtTurn || a.order - b.order);
    const latestEdit = Math.max(0, ...ordered.map((file) => file.editedAtTurn));
    let stableEnd = -1;
    for (const file of ordered) {
      push('context', 'system', contextBlockText(file));
      if (latestEdit > 0 && file.editedAtTurn < latestEdit) stableEnd = blocks.length - 1;
    }
    if (this.summaryState) push('summary', 'system', summaryBlockText(this.summaryState));
    for (const turn of this.turns) {
      push('history', 'user', turn.user);
      push('history', 'assistant', turn.assistant || '(no answer)');
    }
    return layoutBlocks(blocks, frameTokens, stableEnd);
  }

  /** Tokens of the history after the prefix (summary and turns): what compression bounds. */
  historyTokens(tokensOf: (text: string) => number): number {
    const summary = this.summaryState ? tokensOf(summaryBlockText(this.summaryState)) : 0;
    return summary + this.turns.reduce((sum, turn) => sum + tokensOf(turn.user) + tokensOf(turn.assistant), 0);
  }
}

function summaryBlockText(summary: HistorySummary): string {
  const first = summary.turns[0];
  const last = summary.turns.at(-1);
  return `<conversation-summary turns="${first}-${last}">\n${summary.text}\n</conversation-summary>`;
}
