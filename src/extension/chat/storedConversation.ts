import { Conversation as CoreConversation } from '../../core/chat/conversation.js';
import type { Conversation } from '../../protocol/chat.js';
import type { StoredConversation } from './conversationStore.js';

export const SYSTEM_PROMPT =
  'You are a coding assistant inside VS Code. Answer precisely and concisely in Markdown; put code in fenced blocks with a language tag. Attached files appear in <file> blocks.';

/** A stored conversation as the engine sees it, and which stored turn each engine turn is. */
export interface CoreView {
  core: CoreConversation;
  /** Engine turn number → stored turn id: how a history summary's turns are stored. */
  turnIds: Map<number, string>;
}

/**
 * Rebuilds what the engine sees from what is stored: answered turns, minus superseded ones (and
 * `alsoSkip`), with the stored history summary standing in for the turns it covers (not paid for again).
 */
export function coreView(stored: StoredConversation, alsoSkip: ReadonlySet<string> = new Set()): CoreView {
  const superseded = new Set([...alsoSkip, ...stored.turns.map((t) => t.supersedes).filter((id): id is string => id !== null)]);
  const core = new CoreConversation(
    stored.id,
    SYSTEM_PROMPT,
    stored.context.map(({ path, text }) => ({ path, text })),
  );
  const turnIds = new Map<number, string>();
  for (const turn of stored.turns) {
    if (turn.status !== 'ok' || superseded.has(turn.id)) continue;
    turnIds.set(core.addTurn(turn.user, turn.answer, Date.parse(turn.startedAt)).number, turn.id);
    if (turn.tier) core.lastTier = turn.tier;
  }
  const summarised = new Set(stored.summary?.turnIds ?? []);
  const through = Math.max(0, ...[...turnIds].filter(([, id]) => summarised.has(id)).map(([number]) => number));
  if (stored.summary && through > 0) core.compress(stored.summary.text, through);
  return { core, turnIds };
}

/** The engine's history summary as stored: its text and the ids of the turns it covers. */
export function storedSummary(view: CoreView): StoredConversation['summary'] {
  const summary = view.core.summary;
  if (!summary) return null;
  return {
    text: summary.text,
    turnIds: summary.turns.map((number) => view.turnIds.get(number)).filter((id): id is string => id !== undefined),
  };
}

/** What the webview shows: the conversation without the attached files' text and the summary. */
export function visibleConversation(stored: StoredConversation): Conversation {
  const { context: _context, summary: _summary, version: _version, ...conversation } = stored;
  return conversation;
}

export function emptyConversation(id: string, nowMs: number): StoredConversation {
  const now = new Date(nowMs).toISOString();
  return { version: 1, id, title: 'New chat', createdAt: now, updatedAt: now, turns: [], context: [], summary: null };
}
