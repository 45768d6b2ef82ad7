import type { ChatEngine, TurnResult } from '../../core/chat/engine.js';
import type { ChatStack } from '../../core/chat/stack.js';
import { nextTier, type RoutedTier, type TierChoice } from '../../core/tiers.js';
import type { HostMessage, Notice, NoticeCommand, Turn, WebviewMessage } from '../../protocol/chat.js';
import { BudgetPrompts } from './budgetPrompts.js';
import { conversationTitle } from '../../core/format.js';
import type { ConversationStore, StoredConversation } from './conversationStore.js';
import { DraftPricing, attachmentIdOf, type AttachedContext } from './draftPricing.js';
import { fileMentions } from './mentions.js';
import { coreView, emptyConversation, storedSummary, visibleConversation, type CoreView } from './storedConversation.js';
import { applyResult, noticesFor } from './turnOutcome.js';

// The chat panel's controller, kept free of `vscode` so unit tests drive it with a fake engine
// and a Map-backed store. The panel (chatPanel.ts) only moves validated messages in and out.

export { SYSTEM_PROMPT } from './storedConversation.js';
export { attachmentIdOf } from './draftPricing.js';

/** A file or selection read from the editor, to attach. */
export type AttachmentSource = AttachedContext;

export interface ChatSessionDeps {
  store: ConversationStore;
  post(message: HostMessage): void;
  /** The engine for the current key and settings, or the notice explaining why there is none (no key, Restricted Mode). */
  engine(): Promise<ChatEngine | Notice>;
  /** Why nothing can be sent right now (no key, Restricted Mode), or undefined. */
  sendingBlocked(): Promise<Notice | undefined>;
  /** The chat stack the engine comes from: the one estimate and router for the draft's figures. */
  stack: ChatStack;
  /** The model each tier maps to (tally.models.*). */
  models(): Record<RoutedTier, string>;
  /** Reads the active editor's file or selection; a string is a message for the user. */
  readAttachment(kind: 'file' | 'selection'): Promise<AttachmentSource | string>;
  /** Reads a workspace file named by `#file:path` in the prompt; a string is a message for the user. */
  readMention?(path: string): Promise<AttachmentSource | string>;
  runCommand(command: NoticeCommand): void;
  /** A line the header keeps while answers are not real (the demo's simulated API), or undefined. */
  apiNote?(): string | undefined;
  now(): number;
  newId(): string;
  log(text: string): void;
}

export class ChatSession {
  private current: StoredConversation;
  private view: CoreView;
  private running: { turnId: string; abort: AbortController } | null = null;
  private readonly prompts: BudgetPrompts;
  private readonly pricing: DraftPricing;
  /** The last draft the webview showed, so figures can be sent again when what they depend on changes. */
  private draft = { seq: 0, text: '', choice: 'auto' as TierChoice };
  private showingBlockedNotice = false;
  /** `#file:` paths of the current draft already looked up. */
  private readonly mentioned = new Set<string>();

  constructor(private readonly deps: ChatSessionDeps) {
    const activeId = deps.store.activeId();
    this.current = (activeId && deps.store.load(activeId)) || emptyConversation(deps.newId(), deps.now());
    this.view = coreView(this.current);
    this.prompts = new BudgetPrompts(deps.post, deps.newId);
    this.pricing = new DraftPricing(deps.stack, deps.models, deps.now, () => this.postEstimates());
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
        this.draft = { seq: message.seq, text: message.text, choice: message.choice };
        await this.attachMentions(message.text, false);
        return this.postEstimates();
      case 'send':
        await this.attachMentions(message.text, true);
        this.mentioned.clear();
        return this.send(message.text, message.choice);
      case 'stop':
        this.prompts.declineAll();
        this.running?.abort.abort();
        return;
      case 'retryHigher':
        return this.retryHigher(message.turnId);
      case 'attach':
        return this.attachFromEditor(message.kind);
      case 'detach':
        return this.detach(message.attachmentId);
      case 'budgetAnswer':
        return this.prompts.answer(message.promptId, message.sendAnyway);
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

  /** Full state for a (re)created webview; it then sends its draft and gets the figures. */
  postInit(): void {
    this.deps.post({
      type: 'init',
      conversation: visibleConversation(this.current),
      history: this.deps.store.list(),
      attachments: this.pricing.attachments(this.current.context),
      busy: this.busy,
      apiNote: this.deps.apiNote?.(),
    });
    this.prompts.repost();
    void this.checkCanSend();
  }

  /** Answers every open budget dialog with "no" (the send hands its text back to the input). */
  declineBudgetPrompts(): void {
    this.prompts.declineAll();
  }

  /** The engine's confirmation callback: a dialog in the panel, answered by `budgetAnswer`. */
  confirmBudget(message: string): Promise<boolean> {
    return this.prompts.ask('confirm', message, null);
  }

  /** Says up front why nothing can be sent (no key, Restricted Mode), and clears that once it can. */
  async checkCanSend(): Promise<void> {
    const blocked = await this.deps.sendingBlocked();
    if (blocked) this.notice(blocked);
    else if (this.showingBlockedNotice) this.notice(null);
  }

  /** Settings or prices changed: new figures for every tier. */
  refreshEstimates(): void {
    this.deps.post({ type: 'attachments', attachments: this.pricing.attachments(this.current.context) });
    this.postEstimates();
  }

  async attachFromEditor(kind: 'file' | 'selection'): Promise<void> {
    const source = await this.deps.readAttachment(kind);
    if (source === '') return; // the user dismissed the file picker
    if (typeof source === 'string') {
      this.notice({ kind: 'warning', message: source, action: null });
      return;
    }
    this.attach(source);
  }

  /** Attaches each file the prompt mentions with `#file:`, once per draft; one it cannot read is said once. */
  private async attachMentions(text: string, finished: boolean): Promise<void> {
    if (!this.deps.readMention) return;
    for (const path of fileMentions(text, finished)) {
      if (this.mentioned.has(path)) continue;
      this.mentioned.add(path);
      const source = await this.deps.readMention(path);
      if (typeof source === 'string') this.notice({ kind: 'warning', message: source, action: null });
      else this.attach(source);
    }
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
    this.refreshEstimates();
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
    const turn = this.newTurn(text, choice, retryOf);
    // A new chat may be opened while this one streams: the turn stays with its own conversation.
    const conversation = this.current;
    if (conversation.turns.length === 0) conversation.title = conversationTitle(text);
    conversation.turns.push(turn);
    const abort = new AbortController();
    const view = this.view;
    this.running = { turnId: turn.id, abort };
    this.deps.post({ type: 'turn', turn });
    this.deps.post({ type: 'busy', busy: true });

    let result: TurnResult;
    try {
      result = await engine.sendTurn(view.core, {
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
      // Input problems (an unknown model in settings, an unwritable ledger) arrive as thrown errors.
      this.running = null;
      this.deps.post({ type: 'busy', busy: false });
      this.finish(conversation, turn, { status: 'error', error: (error as Error).message });
      return;
    }
    this.running = null;
    this.deps.post({ type: 'busy', busy: false });

    if (result.status === 'refused' || result.status === 'declined') {
      conversation.turns = conversation.turns.filter((t) => t.id !== turn.id);
      this.deps.post({ type: 'conversation', conversation: visibleConversation(conversation) });
      const sendAnyway = result.status === 'refused' && (await this.prompts.ask('refuse', result.budget.message, result.estimateUsd));
      if (sendAnyway) return this.send(text, choice, true, retryOf);
      this.deps.post({ type: 'setDraft', text, choice: null });
      return;
    }

    applyResult(turn, result);
    if (result.status === 'ok') view.turnIds.set(result.turn, turn.id);
    conversation.summary = storedSummary(view);
    for (const notice of noticesFor(result)) this.notice(notice);
    this.finish(conversation, turn, { status: result.status, error: result.error?.message ?? null });
    // Nothing came back (a rejected key, a refused request): the question returns to the input to send again.
    if (result.status === 'error' && !result.text && conversation === this.current)
      this.deps.post({ type: 'setDraft', text, choice: null });
    if (retryOf) this.view = coreView(this.current);
  }

  private newTurn(text: string, choice: TierChoice, retryOf: Turn | undefined): Turn {
    return {
      id: this.deps.newId(),
      user: text,
      attachments: this.pricing.attachments(this.current.context).map((a) => ({ label: a.label, tokens: a.tokens.sonnet })),
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
  }

  private finish(conversation: StoredConversation, turn: Turn, outcome: { status: Turn['status']; error: string | null }): void {
    turn.status = outcome.status;
    turn.error = outcome.error;
    conversation.updatedAt = new Date(this.deps.now()).toISOString();
    if (conversation === this.current) {
      this.deps.post({ type: 'turn', turn });
      this.postEstimates();
    }
    void this.persist(conversation).then(() => this.deps.post({ type: 'history', history: this.deps.store.list() }));
  }

  private async retryHigher(turnId: string): Promise<void> {
    const turn = this.current.turns.find((t) => t.id === turnId);
    const higher = turn?.tier ? nextTier(turn.tier) : null;
    if (!turn || !higher) return;
    // The weaker answer stays visible but leaves the history the model sees.
    this.view = coreView(this.current, new Set([turnId]));
    await this.send(turn.user, higher, false, turn);
  }

  private detach(attachmentId: string): void {
    this.current.context = this.current.context.filter((file) => attachmentIdOf(file.path) !== attachmentId);
    this.view = coreView(this.current);
    this.refreshEstimates();
    void this.persist();
  }

  private async newChat(): Promise<void> {
    this.prompts.declineAll();
    this.running?.abort.abort();
    this.current = emptyConversation(this.deps.newId(), this.deps.now());
    this.view = coreView(this.current);
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
    this.prompts.declineAll();
    this.running?.abort.abort();
    this.current = stored;
    this.view = coreView(stored);
    await this.deps.store.setActive(id);
    this.postInit();
  }

  private async deleteConversation(id: string): Promise<void> {
    await this.deps.store.delete(id);
    if (id === this.current.id) return this.newChat();
    this.deps.post({ type: 'history', history: this.deps.store.list() });
  }

  /** The figures for the latest draft: the one estimate per tier, the router's pick, a warning about the context. */
  private postEstimates(): void {
    const previousTier = [...this.current.turns].reverse().find((t) => t.status === 'ok' && t.tier)?.tier ?? undefined;
    const estimates = this.pricing.estimate(this.draft.seq, this.draft.text, this.draft.choice, {
      core: this.coreWithContext(),
      attachments: this.current.context,
      completedTurns: this.current.turns.length,
      previousTier,
    });
    this.deps.post({ type: 'estimates', estimates });
  }

  private notice(notice: Notice | null): void {
    this.showingBlockedNotice = notice?.kind === 'noKey' || notice?.kind === 'badKey' || notice?.kind === 'untrusted';
    this.deps.post({ type: 'notice', notice });
  }

  /** The engine's conversation with the attachments the next turn will carry. */
  private coreWithContext() {
    this.view.core.attach(this.contextFiles(), this.view.core.nextTurnNumber);
    return this.view.core;
  }

  private contextFiles() {
    return this.current.context.map(({ path, text }) => ({ path, text }));
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
