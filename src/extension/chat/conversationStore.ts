import * as v from 'valibot';
import { STORAGE_KEYS } from '../storageKeys.js';
import { ROUTED_TIERS, TIER_CHOICES } from '../../core/tiers.js';
import type { ConversationSummary } from '../../protocol/chat.js';

// Conversations persist per workspace in workspaceState (VS Code's Memento), one key per
// conversation plus an index, so a long history is not rewritten on every streamed turn.

/** The part of vscode.Memento used here, so tests can pass a Map-backed fake. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const ContextFileSchema = v.object({ path: v.string(), text: v.string(), label: v.string(), kind: v.picklist(['file', 'selection']) });

/** A history summary the engine made: its text and the turns (by id) it stands for, so a reload does not pay for it again. */
const StoredSummarySchema = v.object({ text: v.string(), turnIds: v.array(v.string()) });
export type StoredSummary = v.InferOutput<typeof StoredSummarySchema>;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const usd = v.pipe(v.number(), v.finite());

/**
 * A turn as stored (version 1). Kept apart from the webview's wire format (src/protocol/chat.ts) on
 * purpose: the panel's messages can change from one release to the next, the user's history cannot.
 */
const StoredTurnSchema = v.object({
  id: v.string(),
  user: v.string(),
  attachments: v.array(v.object({ label: v.string(), tokens: count })),
  choice: v.picklist(TIER_CHOICES),
  answer: v.string(),
  status: v.picklist(['streaming', 'ok', 'error', 'aborted']),
  model: v.nullable(v.string()),
  tier: v.nullable(v.picklist(ROUTED_TIERS)),
  reasons: v.array(v.string()),
  estimateUsd: v.nullable(usd),
  usage: v.nullable(
    v.object({ inputTokens: count, outputTokens: count, cacheReadTokens: count, cacheWriteTokens: count, usd, savedUsd: usd }),
  ),
  error: v.nullable(v.string()),
  startedAt: v.string(),
  supersedes: v.nullable(v.string()),
  trimmed: v.nullable(v.string()),
});

/** What is stored: the conversation as shown, plus the attached files' text (sent with every turn) and any history summary. */
export const StoredConversationSchema = v.object({
  /** The stored shape's version; absent in conversations saved before it was written down (the same shape). */
  version: v.optional(v.literal(1), 1),
  id: v.string(),
  title: v.string(),
  createdAt: v.string(),
  updatedAt: v.string(),
  turns: v.array(StoredTurnSchema),
  context: v.array(ContextFileSchema),
  // Optional: conversations stored before summaries were kept still load.
  summary: v.optional(v.nullable(StoredSummarySchema), null),
});
export type StoredConversation = v.InferOutput<typeof StoredConversationSchema>;

const IndexSchema = v.array(v.object({ id: v.string(), title: v.string(), updatedAt: v.string(), turns: v.number(), usd: v.number() }));

export class ConversationStore {
  constructor(private readonly state: KeyValueStore) {}

  /** Most recently updated first. */
  list(): ConversationSummary[] {
    const parsed = v.safeParse(IndexSchema, this.state.get(STORAGE_KEYS.index) ?? []);
    return parsed.success ? [...parsed.output].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)) : [];
  }

  /** Undefined when missing or unreadable (a stored shape from another version is not trusted). */
  load(id: string): StoredConversation | undefined {
    const parsed = v.safeParse(StoredConversationSchema, this.state.get(STORAGE_KEYS.conversation(id)));
    return parsed.success ? parsed.output : undefined;
  }

  async save(conversation: StoredConversation): Promise<void> {
    await this.state.update(STORAGE_KEYS.conversation(conversation.id), conversation);
    // An empty chat is not history yet: it enters the list with its first turn.
    if (conversation.turns.length === 0) return;
    const others = this.list().filter((entry) => entry.id !== conversation.id);
    await this.state.update(STORAGE_KEYS.index, [summarize(conversation), ...others]);
  }

  async delete(id: string): Promise<void> {
    await this.state.update(STORAGE_KEYS.conversation(id), undefined);
    await this.state.update(
      STORAGE_KEYS.index,
      this.list().filter((entry) => entry.id !== id),
    );
    if (this.activeId() === id) await this.state.update(STORAGE_KEYS.active, undefined);
  }

  activeId(): string | undefined {
    const id = this.state.get<unknown>(STORAGE_KEYS.active);
    return typeof id === 'string' ? id : undefined;
  }

  async setActive(id: string): Promise<void> {
    await this.state.update(STORAGE_KEYS.active, id);
  }
}

export function summarize(conversation: StoredConversation): ConversationSummary {
  const usd = conversation.turns.reduce((sum, turn) => sum + (turn.usage?.usd ?? 0), 0);
  return { id: conversation.id, title: conversation.title, updatedAt: conversation.updatedAt, turns: conversation.turns.length, usd };
}
