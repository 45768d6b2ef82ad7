import type { CacheModel } from '../../core/cache/state.js';
import { Conversation as CoreConversation } from '../../core/chat/conversation.js';
import type { ChatEngine, TurnResult } from '../../core/chat/engine.js';
import { TYPICAL_ANSWER_TOKENS, contextBlockText, type ContextFile } from '../../core/estimate.js';
import { formatUsd } from '../../core/format.js';
import { priceTokens, utcDate } from '../../core/prices/cost.js';
import { resolveModel, type PriceTable } from '../../core/prices/priceTable.js';
import type { TokenizerFamily } from '../../core/prices/schema.js';
import { estimateTextTokens, messageFrameTokens } from '../../core/tokens/estimator.js';
import type {
  Attachment,
  BudgetPrompt,
  HostMessage,
  Notice,
  NoticeCommand,
  RoutedTier,
  TierBasis,
  TierChoice,
  Turn,
  WebviewMessage,
} from '../../protocol/chat.js';
import { ROUTED_TIERS, type TallySettings } from '../settings.js';
import { titleFrom, type ConversationStore, type StoredConversation } from './conversationStore.js';

// The chat panel's controller, kept free of `vscode` so unit tests drive it with a fake engine
// and a Map-backed store. The panel (chatPanel.ts) only moves validated messages in and out.

export const SYSTEM_PROMPT =
  'You are a coding assistant inside VS Code. Answer precisely and concisely in Markdown; put code in fenced blocks with a language tag. Attached files appear in <file> blocks.';

export interface AttachmentSource {
  /** Identity in the conversation: attaching the same path again replaces it (an edit). */
  path: string;
  label: string;
  kind: 'file' | 'selection';
  text: string;
}

export interface Recommender {
  (input: { prompt: string; contextTokens: number; attachedFiles: number; conversationTurns: number; previousTier?: RoutedTier }): {
    tier: RoutedTier;
    reasons: string[];
  };
}

export interface ChatSessionDeps {
  store: ConversationStore;
  post(message: HostMessage): void;
  /** The engine for the current key and settings, or the notice explaining why there is none (no key). */
  engine(): Promise<ChatEngine | Notice>;
  /** The "no key" notice when no key is set, else undefined. */
  missingKeyNotice(): Promise<Notice | undefined>;
  /** Shared with the engine: what is warm on which model, for the per-tier estimates. */
  cache: CacheModel;
  settings(): TallySettings;
  priceTable(): PriceTable;
  recommend: Recommender;
  /** Reads the active editor's file or selection; a string is a message for the user. */
  readAttachment(kind: 'file' | 'selection'): Promise<AttachmentSource | string>;
  runCommand(command: NoticeCommand): void;
  now(): number;
  newId(): string;
  log(text: string): void;
}

const NEXT_TIER: Record<RoutedTier, RoutedTier | null> = { haiku: 'sonnet', sonnet: 'opus', opus: null };

export class ChatSession {
  private current: StoredConversation;
  private core: CoreConversation;
  private running: { turnId: string; abort: AbortController } | null = null;
  /** Open budget dialogs: re-sent to a re-created webview, answered "no" when the user moves on. */
  private pendingPrompts = new Map<string, { prompt: BudgetPrompt; resolve: (sendAnyway: boolean) => void }>();
  /** Core turn number → stored turn id, per core conversation: how a summary's turns are stored. */
  private coreTurnIds = new WeakMap<CoreConversation, Map<number, string>>();
  /** Token counts of each attached file per family while its text is unchanged: every draft message asks for them. */
  private attachmentTokens = new Map<string, { text: string; byFamily: Map<TokenizerFamily, number> }>();

  constructor(private readonly deps: ChatSessionDeps) {
    const activeId = deps.store.activeId();
    this.current = (activeId && deps.store.load(activeId)) || this.emptyConversation();
    this.core = this.buildCore(this.current);
  }

  get busy(): boolean {
    return this.running !== null;
  }

  get conversationId(): string {
    return this.current.id;
  }

  async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.postInit();
      case 'draft':
        return this.postRecommendation(message.text);
      case 'send':
        return this.send(message.text, message.choice);
      case 'stop':
        this.declineBudgetPrompts();
        this.running?.abort.abort();
        return;
      case 'retryHigher':
        return this.retryHigher(message.turnId);
      case 'attach':
        return this.attachFromEditor(message.kind);
      case 'detach':
        return this.detach(message.attachmentId);
      case 'budgetAnswer': {
        const pending = this.pendingPrompts.get(message.promptId);
        this.pendingPrompts.delete(message.promptId);
        pending?.resolve(message.sendAnyway);
        return;
      }
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        return this.openConversation(message.conversationId);
      case 'deleteConversation':
        return this.deleteConversation(message.conversationId);
      case 'runCommand':
        this.deps.runCommand(message.command);
        return;
    }
  }

  /** Full state for a (re)created webview. */
  postInit(): void {
    this.deps.post({
      type: 'init',
      conversation: this.visibleConversation(),
      history: this.deps.store.list(),
      basis: this.basis(),
      attachments: this.attachments(),
      busy: this.busy,
    });
    // The webview lost its dialog with its document: ask again, or the engine would wait forever.
    for (const { prompt } of this.pendingPrompts.values()) this.deps.post({ type: 'budgetPrompt', prompt });
    void this.checkApiKey();
  }

  /** Answers every open budget dialog with "no" (the send hands its text back to the input). */
  declineBudgetPrompts(): void {
    const pending = [...this.pendingPrompts.values()];
    this.pendingPrompts.clear();
    for (const { resolve } of pending) resolve(false);
  }

  /** Says up front when there is no key (and clears that notice once there is one). */
  async checkApiKey(): Promise<void> {
    const missing = await this.deps.missingKeyNotice();
    if (missing) this.notice(missing);
    else if (this.showingKeyNotice) this.notice(null);
  }

  private showingKeyNotice = false;

  /** Settings or prices changed: new figures for every tier. */
  refreshEstimates(): void {
    this.deps.post({ type: 'basis', basis: this.basis() });
    this.deps.post({ type: 'attachments', attachments: this.attachments() });
  }

  async attachFromEditor(kind: 'file' | 'selection'): Promise<void> {
    const source = await this.deps.readAttachment(kind);
    if (typeof source === 'string') {
      this.notice({ kind: 'warning', message: source, action: null });
      return;
    }
    this.attach(source);
  }

  /** A prompt written in the editor goes to the composer, not straight to the API: the user sees its cost first. */
  putDraft(text: string, choice: TierChoice | null): void {
    this.deps.post({ type: 'setDraft', text, choice });
  }

  attach(source: AttachmentSource): void {
    const existing = this.current.context.findIndex((file) => file.path === source.path);
    const file = { path: source.path, text: source.text, label: source.label, kind: source.kind };
    if (existing >= 0) this.current.context[existing] = file;
    else this.current.context.push(file);
    this.deps.post({ type: 'attachments', attachments: this.attachments() });
    this.deps.post({ type: 'basis', basis: this.basis() });
    void this.persist();
  }

  async send(text: string, choice: TierChoice, overrideBudget = false, retryOf?: Turn): Promise<void> {
    // Every send is answered by a streaming turn or by the text handed back (setDraft), so the composer never loses it.
    if (this.running) {
      this.notice({ kind: 'info', message: 'A reply is still streaming: stop it or wait for it to finish.', action: null });
      this.deps.post({ type: 'setDraft', text, choice: null });
      return;
    }
    const engine = await this.deps.engine();
    if (!('sendTurn' in engine)) {
      this.notice(engine);
      this.deps.post({ type: 'setDraft', text, choice: null });
      return;
    }
    this.notice(null);
    const turn: Turn = {
      id: this.deps.newId(),
      user: text,
      attachments: this.attachments().map((a) => ({ label: a.label, tokens: a.tokens.sonnet })),
      choice,
      answer: '',
      status: 'streaming',
      model: null,
      tier: null,
      reasons: [],
      estimateUsd: null,
      usage: null,
      error: null,
      startedAt: new Date(this.deps.now()).toISOString(),
      supersedes: retryOf?.id ?? null,
      trimmed: null,
    };
    // A new chat may be opened while this one streams: the turn stays with its own conversation.
    const conversation = this.current;
    if (conversation.turns.length === 0) conversation.title = titleFrom(text);
    conversation.turns.push(turn);
    const abort = new AbortController();
    const core = this.core;
    this.running = { turnId: turn.id, abort };
    this.deps.post({ type: 'turn', turn });
    this.deps.post({ type: 'busy', busy: true });

    let result: TurnResult;
    try {
      result = await engine.sendTurn(core, {
        user: text,
        model: choice,
        context: this.contextFiles(),
        signal: abort.signal,
        overrideBudget,
        onText: (delta) => {
          turn.answer += delta;
          this.deps.post({ type: 'delta', turnId: turn.id, text: delta });
        },
      });
    } catch (error) {
      // Input problems (an unknown model in settings, say) arrive as thrown errors.
      this.running = null;
      this.deps.post({ type: 'busy', busy: false });
      this.finish(conversation, turn, { status: 'error', error: (error as Error).message });
      return;
    }
    this.running = null;
    this.deps.post({ type: 'busy', busy: false });

    if (result.status === 'refused' || result.status === 'declined') {
      conversation.turns = conversation.turns.filter((t) => t.id !== turn.id);
      this.deps.post({ type: 'conversation', conversation: this.visibleConversation() });
      if (result.status === 'declined') {
        this.deps.post({ type: 'setDraft', text, choice: null });
        return;
      }
      const sendAnyway = await this.askBudget('refuse', result.budget.message, result.estimateUsd);
      if (sendAnyway) return this.send(text, choice, true, retryOf);
      this.deps.post({ type: 'setDraft', text, choice: null });
      return;
    }

    turn.model = result.model;
    turn.tier = (ROUTED_TIERS as readonly string[]).includes(result.tier) ? (result.tier as RoutedTier) : 'opus';
    turn.reasons = result.reasons;
    turn.estimateUsd = result.estimateUsd;
    if (result.trimmed) {
      const turns = result.trimmed.summary.turns;
      turn.trimmed = `Turns ${turns[0]}-${turns.at(-1)} were summarised by the cheap tier to keep the request small (summary cost ${formatUsd(result.trimmed.usd)}).`;
    }
    turn.answer = result.text || turn.answer;
    if (result.status === 'ok') this.coreTurnIds.get(core)?.set(result.turn, turn.id);
    conversation.summary = this.storedSummary(core);
    if (result.usage) {
      turn.usage = {
        inputTokens: result.usage.input_tokens,
        outputTokens: result.usage.output_tokens,
        cacheReadTokens: result.cacheReadTokens,
        cacheWriteTokens: result.cacheWriteTokens,
        usd: result.usd,
        savedUsd: result.savedUsd,
      };
    }
    if (result.budget.action === 'warn' && result.budget.message) {
      this.notice({ kind: 'warning', message: `Budget: ${result.budget.message}`, action: null });
    }
    // Money the books must show: say what was recorded and how, so the spend figures can be trusted.
    if (result.usageProblem) {
      this.notice({
        kind: 'warning',
        message: `The API's usage report was not usable (${result.usageProblem}); Tally recorded its own estimate for this turn.`,
        action: null,
      });
    }
    if (result.ledgerProblem) this.notice({ kind: 'warning', message: `Spend not yet saved: ${result.ledgerProblem}`, action: null });
    if (result.status === 'error' && result.error?.status === 401) {
      this.notice({ kind: 'badKey', message: result.error.message, action: 'tally.setApiKey' });
    }
    this.finish(conversation, turn, { status: result.status, error: result.error?.message ?? null });
    // Nothing came back (a rejected key, a refused request): the question returns to the input to send again.
    if (result.status === 'error' && !result.text && conversation === this.current)
      this.deps.post({ type: 'setDraft', text, choice: null });
    if (retryOf) this.core = this.buildCore(this.current);
  }

  /** The engine's confirmation callback: a dialog in the panel, answered by `budgetAnswer`. */
  confirmBudget(message: string): Promise<boolean> {
    return this.askBudget('confirm', message, null);
  }

  private askBudget(kind: 'confirm' | 'refuse', message: string, estimateUsd: number | null): Promise<boolean> {
    const promptId = this.deps.newId();
    const prompt: BudgetPrompt = { promptId, kind, message, estimateUsd };
    return new Promise((resolve) => {
      this.pendingPrompts.set(promptId, { prompt, resolve });
      this.deps.post({ type: 'budgetPrompt', prompt });
    });
  }

  private finish(conversation: StoredConversation, turn: Turn, outcome: { status: Turn['status']; error: string | null }): void {
    turn.status = outcome.status;
    turn.error = outcome.error;
    conversation.updatedAt = new Date(this.deps.now()).toISOString();
    if (conversation === this.current) {
      this.deps.post({ type: 'turn', turn });
      this.deps.post({ type: 'basis', basis: this.basis() });
    }
    void this.persist(conversation).then(() => this.deps.post({ type: 'history', history: this.deps.store.list() }));
  }

  private async retryHigher(turnId: string): Promise<void> {
    const turn = this.current.turns.find((t) => t.id === turnId);
    const higher = turn?.tier ? NEXT_TIER[turn.tier] : null;
    if (!turn || !higher) return;
    // The weaker answer stays visible but leaves the history the model sees.
    this.core = this.buildCore(this.current, new Set([turnId]));
    await this.send(turn.user, higher, false, turn);
  }

  private detach(attachmentId: string): void {
    this.current.context = this.current.context.filter((file) => attachmentIdOf(file.path) !== attachmentId);
    this.core = this.buildCore(this.current);
    this.deps.post({ type: 'attachments', attachments: this.attachments() });
    this.deps.post({ type: 'basis', basis: this.basis() });
    void this.persist();
  }

  private async newChat(): Promise<void> {
    this.declineBudgetPrompts();
    this.running?.abort.abort();
    this.current = this.emptyConversation();
    this.core = this.buildCore(this.current);
    await this.deps.store.setActive(this.current.id);
    this.postInit();
  }

  private async openConversation(id: string): Promise<void> {
    const stored = this.deps.store.load(id);
    if (!stored) {
      this.notice({ kind: 'warning', message: 'That conversation could not be read; it was removed from the history.', action: null });
      await this.deps.store.delete(id);
      this.deps.post({ type: 'history', history: this.deps.store.list() });
      return;
    }
    this.declineBudgetPrompts();
    this.running?.abort.abort();
    this.current = stored;
    this.core = this.buildCore(stored);
    await this.deps.store.setActive(id);
    this.postInit();
  }

  private async deleteConversation(id: string): Promise<void> {
    await this.deps.store.delete(id);
    if (id === this.current.id) return this.newChat();
    this.deps.post({ type: 'history', history: this.deps.store.list() });
  }

  private postRecommendation(draft: string): void {
    if (draft.trim() === '') return;
    const settings = this.deps.settings();
    const contextTokens = this.attachments().reduce((sum, a) => sum + a.tokens.sonnet, 0);
    const previous = [...this.current.turns].reverse().find((t) => t.status === 'ok' && t.tier)?.tier ?? undefined;
    const decision = this.deps.recommend({
      prompt: draft,
      contextTokens,
      attachedFiles: this.current.context.length,
      conversationTurns: this.current.turns.length,
      ...(previous ? { previousTier: previous } : {}),
    });
    this.deps.post({
      type: 'recommendation',
      recommendation: { draft, tier: decision.tier, model: settings.models[decision.tier], reasons: decision.reasons },
    });
  }

  private notice(notice: Notice | null): void {
    this.showingKeyNotice = notice?.kind === 'noKey' || notice?.kind === 'badKey';
    this.deps.post({ type: 'notice', notice });
  }

  /** Per tier: the request around the draft in tokens, and what of it is warm in that model's cache. */
  private basis(): TierBasis[] {
    const settings = this.deps.settings();
    const table = this.deps.priceTable();
    const now = this.deps.now();
    const core = this.coreWithContext();
    const ttl = settings.cacheTtl === '1h' ? '1h' : '5m';
    return ROUTED_TIERS.map((tier) => {
      const model = resolveModel(table, settings.models[tier]);
      const layout = core.layout('', (text) => estimateTextTokens(text, model.family), messageFrameTokens(model.family));
      const prefixTokens = layout.cumulativeTokens.at(-1) ?? messageFrameTokens(model.family);
      const warm = this.deps.cache.warmPrefixes(layout, now).find((entry) => entry.model === model.id)?.prefixTokens ?? 0;
      return {
        tier,
        model,
        prefixTokens,
        warmPrefixTokens: Math.min(warm, prefixTokens),
        writeTtl: ttl,
        outputTokens: this.expectedAnswerTokens(model.family),
      };
    });
  }

  private expectedAnswerTokens(family: Parameters<typeof estimateTextTokens>[1]): number {
    const answered = this.current.turns.filter((t) => t.status === 'ok');
    if (answered.length === 0) return TYPICAL_ANSWER_TOKENS;
    return Math.round(
      answered.reduce((sum, t) => sum + (t.usage?.outputTokens ?? estimateTextTokens(t.answer, family)), 0) / answered.length,
    );
  }

  private attachments(): Attachment[] {
    const settings = this.deps.settings();
    const table = this.deps.priceTable();
    const date = utcDate(this.deps.now());
    const models = Object.fromEntries(ROUTED_TIERS.map((tier) => [tier, resolveModel(table, settings.models[tier])])) as Record<
      RoutedTier,
      ReturnType<typeof resolveModel>
    >;
    const paths = new Set(this.current.context.map((file) => file.path));
    for (const path of this.attachmentTokens.keys()) if (!paths.has(path)) this.attachmentTokens.delete(path);
    return this.current.context.map((file) => {
      const tokens = perTier((tier) => this.attachmentTokenCount(file, models[tier].family));
      const usd = perTier(
        (tier) =>
          priceTokens(table, models[tier], { input: tokens[tier], cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0 }, { date })
            .total,
      );
      return { id: attachmentIdOf(file.path), kind: file.kind, label: file.label, tokens, usd };
    });
  }

  private attachmentTokenCount(file: ContextFile, family: TokenizerFamily): number {
    let entry = this.attachmentTokens.get(file.path);
    if (!entry || entry.text !== file.text) {
      entry = { text: file.text, byFamily: new Map() };
      this.attachmentTokens.set(file.path, entry);
    }
    let tokens = entry.byFamily.get(family);
    if (tokens === undefined) {
      tokens = estimateTextTokens(contextBlockText(file), family);
      entry.byFamily.set(family, tokens);
    }
    return tokens;
  }

  /** The core conversation with the attachments the next turn will carry. */
  private coreWithContext(): CoreConversation {
    this.core.attach(this.contextFiles(), this.core.nextTurnNumber);
    return this.core;
  }

  private contextFiles(): ContextFile[] {
    return this.current.context.map(({ path, text }) => ({ path, text }));
  }

  /**
   * Rebuilds what the engine sees from what is stored: answered turns, minus superseded ones,
   * with the stored history summary standing in for the turns it covers (not paid for again).
   */
  private buildCore(stored: StoredConversation, alsoSkip: ReadonlySet<string> = new Set()): CoreConversation {
    const superseded = new Set([...alsoSkip, ...stored.turns.map((t) => t.supersedes).filter((id): id is string => id !== null)]);
    const core = new CoreConversation(
      stored.id,
      SYSTEM_PROMPT,
      stored.context.map(({ path, text }) => ({ path, text })),
    );
    const ids = new Map<number, string>();
    for (const turn of stored.turns) {
      if (turn.status !== 'ok' || superseded.has(turn.id)) continue;
      ids.set(core.addTurn(turn.user, turn.answer, Date.parse(turn.startedAt)).number, turn.id);
      if (turn.tier) core.lastTier = turn.tier;
    }
    this.coreTurnIds.set(core, ids);
    const summarised = new Set(stored.summary?.turnIds ?? []);
    const through = Math.max(0, ...[...ids].filter(([, id]) => summarised.has(id)).map(([number]) => number));
    if (stored.summary && through > 0) core.compress(stored.summary.text, through);
    return core;
  }

  /** The core's history summary as stored: its text and the ids of the turns it covers. */
  private storedSummary(core: CoreConversation): StoredConversation['summary'] {
    const summary = core.summary;
    const ids = this.coreTurnIds.get(core);
    if (!summary || !ids) return null;
    return { text: summary.text, turnIds: summary.turns.map((number) => ids.get(number)).filter((id): id is string => id !== undefined) };
  }

  private visibleConversation() {
    const { context: _context, summary: _summary, ...conversation } = this.current;
    void _context;
    void _summary;
    return conversation;
  }

  private emptyConversation(): StoredConversation {
    const now = new Date(this.deps.now()).toISOString();
    return { id: this.deps.newId(), title: 'New chat', createdAt: now, updatedAt: now, turns: [], context: [], summary: null };
  }

  private async persist(conversation: StoredConversation = this.current): Promise<void> {
    try {
      await this.deps.store.save(conversation);
      if (conversation === this.current) await this.deps.store.setActive(conversation.id);
    } catch (error) {
      this.deps.log(`could not save the conversation: ${(error as Error).message}`);
    }
  }
}

function perTier(value: (tier: RoutedTier) => number): Record<RoutedTier, number> {
  return { haiku: value('haiku'), sonnet: value('sonnet'), opus: value('opus') };
}

/** Stable, short and safe for a DOM id and a message. */
export function attachmentIdOf(path: string): string {
  let hash = 0;
  for (let i = 0; i < path.length; i++) hash = (Math.imul(hash, 31) + path.charCodeAt(i)) | 0;
  return `att-${(hash >>> 0).toString(36)}`;
}
