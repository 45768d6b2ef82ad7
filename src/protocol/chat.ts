import * as v from 'valibot';
import { ROUTED_TIERS, TIER_CHOICES, type RoutedTier, type TierChoice } from '../core/tiers.js';

// Every message between the chat webview and the extension host. Both sides validate what
// arrives (a webview is another process and renders model output: treat its messages as untrusted).

export type { RoutedTier, TierChoice };
const RoutedTierSchema = v.picklist(ROUTED_TIERS);

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const usd = v.pipe(v.number(), v.finite());
const id = v.pipe(v.string(), v.nonEmpty(), v.maxLength(200));
const text = v.pipe(v.string(), v.maxLength(32 * 1024 * 1024));
const perTier = <S extends v.GenericSchema>(schema: S) => v.object({ haiku: schema, sonnet: schema, opus: schema });

/**
 * What the draft would cost as the next turn on one tier: the host's one estimate (the engine's,
 * with the conversation, the attachments and what is warm in that model's cache), so the webview
 * shows figures it never computes itself.
 */
export const TierFigureSchema = v.object({
  tier: RoutedTierSchema,
  model: v.string(),
  displayName: v.string(),
  /** The whole request: system, attachments, history and the draft. */
  inputTokens: count,
  draftTokens: count,
  /** With a typical answer; low and high with a short and a long one (the answer's length is not known yet). */
  usd,
  usdLow: usd,
  usdHigh: usd,
  outputLow: count,
  outputHigh: count,
  /** Anthropic's count (true) or Tally's offline estimate. */
  exact: v.boolean(),
});
export type TierFigure = v.InferOutput<typeof TierFigureSchema>;

export const AttachmentSchema = v.object({
  id,
  kind: v.picklist(['file', 'selection']),
  /** Shown to the user: `src/app.ts` or `src/app.ts:10-42`. */
  label: v.string(),
  tokens: perTier(count),
  /** What this attachment adds to each send (uncached input) on each tier. */
  usd: perTier(usd),
});
export type Attachment = v.InferOutput<typeof AttachmentSchema>;

export const RecommendationSchema = v.object({
  tier: RoutedTierSchema,
  model: v.string(),
  reasons: v.array(v.string()),
});
export type Recommendation = v.InferOutput<typeof RecommendationSchema>;

/** The host's answer to a `draft`: every tier's figures, the router's pick and any warning about the context's size. */
export const DraftEstimatesSchema = v.object({
  /** The `draft` message answered, so a late answer for older text is ignored. */
  seq: count,
  tiers: v.array(TierFigureSchema),
  /** Null for an empty draft. */
  recommendation: v.nullable(RecommendationSchema),
  warning: v.nullable(v.string()),
});
export type DraftEstimates = v.InferOutput<typeof DraftEstimatesSchema>;

export const TurnUsageSchema = v.object({
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count,
  cacheWriteTokens: count,
  usd,
  /** What reading from cache saved against sending the same tokens uncached. */
  savedUsd: usd,
});
export type TurnUsage = v.InferOutput<typeof TurnUsageSchema>;

export const TURN_STATUSES = ['streaming', 'ok', 'error', 'aborted'] as const;
export const TurnSchema = v.object({
  id,
  user: text,
  attachments: v.array(v.object({ label: v.string(), tokens: count })),
  /** The tier the user forced, or auto. */
  choice: v.picklist(TIER_CHOICES),
  answer: text,
  status: v.picklist(TURN_STATUSES),
  model: v.nullable(v.string()),
  tier: v.nullable(RoutedTierSchema),
  /** Why this model answered (router reasons, override, escalation, cache stickiness). */
  reasons: v.array(v.string()),
  estimateUsd: v.nullable(usd),
  usage: v.nullable(TurnUsageSchema),
  error: v.nullable(v.string()),
  startedAt: v.string(),
  /** Set on a "retry on a higher tier": the turn it replaces in the history the model sees. */
  supersedes: v.nullable(id),
  /** When older turns were summarised before this one: what was trimmed and what the summary cost. */
  trimmed: v.nullable(v.string()),
});
export type Turn = v.InferOutput<typeof TurnSchema>;

export const ConversationSummarySchema = v.object({
  id,
  title: v.string(),
  updatedAt: v.string(),
  turns: count,
  usd,
});
export type ConversationSummary = v.InferOutput<typeof ConversationSummarySchema>;

export const ConversationSchema = v.object({
  id,
  title: v.string(),
  createdAt: v.string(),
  updatedAt: v.string(),
  turns: v.array(TurnSchema),
});
export type Conversation = v.InferOutput<typeof ConversationSchema>;

export const NOTICE_KINDS = ['noKey', 'badKey', 'untrusted', 'error', 'warning', 'info'] as const;
/** Commands a notice may offer as its button (the webview can ask the host to run only these). */
export const NOTICE_COMMANDS = ['tally.setApiKey', 'workbench.trust.manage'] as const;
export type NoticeCommand = (typeof NOTICE_COMMANDS)[number];
export const NoticeSchema = v.object({
  kind: v.picklist(NOTICE_KINDS),
  message: v.string(),
  /** A command the notice offers as a button. */
  action: v.nullable(v.picklist(NOTICE_COMMANDS)),
});
export type Notice = v.InferOutput<typeof NoticeSchema>;

export const BudgetPromptSchema = v.object({
  promptId: id,
  /** confirm: above the per-request threshold; refuse: over a budget (sending needs an explicit override). */
  kind: v.picklist(['confirm', 'refuse']),
  message: v.string(),
  estimateUsd: v.nullable(usd),
});
export type BudgetPrompt = v.InferOutput<typeof BudgetPromptSchema>;

// ---- host → webview ----

export const HostMessageSchema = v.variant('type', [
  /** Full state, sent in answer to `ready` (also after the panel was hidden and shown again). */
  v.object({
    type: v.literal('init'),
    conversation: ConversationSchema,
    history: v.array(ConversationSummarySchema),
    attachments: v.array(AttachmentSchema),
    busy: v.boolean(),
    /** Shown in the header while answers and costs are not real (the demo's simulated API). */
    apiNote: v.optional(v.string()),
  }),
  /** Figures for the latest draft (also unasked, when what they depend on changed: settings, attachments, an exact count). */
  v.object({ type: v.literal('estimates'), estimates: DraftEstimatesSchema }),
  v.object({ type: v.literal('attachments'), attachments: v.array(AttachmentSchema) }),
  v.object({ type: v.literal('history'), history: v.array(ConversationSummarySchema) }),
  v.object({ type: v.literal('conversation'), conversation: ConversationSchema }),
  /** A turn was added or changed (started, routed, finished); replaces the turn with that id. */
  v.object({ type: v.literal('turn'), turn: TurnSchema }),
  /** Streamed answer text to append to a turn. */
  v.object({ type: v.literal('delta'), turnId: id, text }),
  v.object({ type: v.literal('busy'), busy: v.boolean() }),
  v.object({ type: v.literal('notice'), notice: v.nullable(NoticeSchema) }),
  v.object({ type: v.literal('budgetPrompt'), prompt: BudgetPromptSchema }),
  /** Put text in the composer (a prompt sent from the editor, or a message handed back unsent), optionally with a tier. */
  v.object({ type: v.literal('setDraft'), text, choice: v.nullable(v.picklist(TIER_CHOICES)) }),
]);
export type HostMessage = v.InferOutput<typeof HostMessageSchema>;

// ---- webview → host ----

export const WebviewMessageSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  /** The draft or tier changed: the host answers with `estimates` for this `seq`. */
  v.object({ type: v.literal('draft'), seq: count, text, choice: v.picklist(TIER_CHOICES) }),
  v.object({ type: v.literal('send'), text: v.pipe(text, v.nonEmpty()), choice: v.picklist(TIER_CHOICES) }),
  v.object({ type: v.literal('stop') }),
  v.object({ type: v.literal('retryHigher'), turnId: id }),
  v.object({ type: v.literal('attach'), kind: v.picklist(['file', 'selection']) }),
  v.object({ type: v.literal('detach'), attachmentId: id }),
  v.object({ type: v.literal('budgetAnswer'), promptId: id, sendAnyway: v.boolean() }),
  v.object({ type: v.literal('newChat') }),
  v.object({ type: v.literal('openConversation'), conversationId: id }),
  v.object({ type: v.literal('deleteConversation'), conversationId: id }),
  v.object({ type: v.literal('runCommand'), command: v.picklist(NOTICE_COMMANDS) }),
]);
export type WebviewMessage = v.InferOutput<typeof WebviewMessageSchema>;

/** Parses a message from the host; undefined (with the reason) for anything malformed. */
export function parseHostMessage(raw: unknown): { message: HostMessage } | { error: string } {
  return parseWith(HostMessageSchema, raw);
}

export function parseWebviewMessage(raw: unknown): { message: WebviewMessage } | { error: string } {
  return parseWith(WebviewMessageSchema, raw);
}

function parseWith<S extends v.GenericSchema>(schema: S, raw: unknown): { message: v.InferOutput<S> } | { error: string } {
  const result = v.safeParse(schema, raw);
  if (result.success) return { message: result.output };
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
  const type = typeof raw === 'object' && raw !== null ? String((raw as Record<string, unknown>)['type']) : typeof raw;
  return { error: `chat message "${type}"${path ? ` at ${path}` : ''}: ${issue.message}` };
}
