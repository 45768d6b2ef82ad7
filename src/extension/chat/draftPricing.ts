import type { Conversation as CoreConversation, ContextFile } from '../../core/chat/conversation.js';
import { contextBlockText } from '../../core/chat/conversation.js';
import type { ChatStack } from '../../core/chat/stack.js';
import { priceScenario, requestSplit } from '../../core/estimate/index.js';
import { formatTokens, formatUsd } from '../../core/format.js';
import { utcDate } from '../../core/prices/cost.js';
import { resolveModel } from '../../core/prices/priceTable.js';
import type { TokenizerFamily } from '../../core/prices/schema.js';
import type { TaskClass } from '../../core/router/types.js';
import { ROUTED_TIERS, type RoutedTier, type TierChoice } from '../../core/tiers.js';
import { estimateTextTokens } from '../../core/tokens/estimator.js';
import { IncrementalTokenEstimator } from '../../core/tokens/incremental.js';
import type { Attachment, DraftEstimates, Recommendation, TierFigure } from '../../protocol/chat.js';

/** An attached file or selection as the conversation stores it. */
export interface AttachedContext extends ContextFile {
  label: string;
  kind: 'file' | 'selection';
}

/** What the draft is asked in: the conversation so far, with the files the next turn carries. */
export interface DraftSetting {
  core: CoreConversation;
  attachments: readonly AttachedContext[];
  completedTurns: number;
  previousTier: RoutedTier | undefined;
}

/**
 * Prices the draft on every keystroke, in the host: the chat stack's one estimate for each tier
 * (what the engine will plan, with what is warm in each model's cache), the router's pick and a
 * warning when the attachments dwarf the question. The draft is counted incrementally, so a long
 * draft costs only its edited part; the conversation before it is laid out once per change.
 */
export class DraftPricing {
  private readonly draft = new IncrementalTokenEstimator('v5');
  /** Each attachment's tokens per family while its text is unchanged. */
  private readonly attachmentTokens = new Map<string, { text: string; byFamily: Map<TokenizerFamily, number> }>();

  constructor(
    private readonly stack: ChatStack,
    private readonly models: () => Record<RoutedTier, string>,
    private readonly now: () => number,
    /** Called when an exact count arrives for a draft estimated earlier: price it again. */
    private readonly onExact: () => void,
  ) {}

  estimate(seq: number, text: string, choice: TierChoice, setting: DraftSetting): DraftEstimates {
    this.draft.update(text);
    const recommendation = text.trim() === '' ? null : this.recommend(text, setting);
    const taskClass = recommendation?.taskClass;
    const tiers = ROUTED_TIERS.map((tier): TierFigure => {
      const draftTokens = this.draft.tokens(this.family(tier));
      const estimate = this.stack.estimateTurn(setting.core, text, tier, {
        messageTokens: draftTokens,
        ...(taskClass ? { taskClass } : {}),
        onExact: this.onExact,
      });
      return {
        tier,
        model: estimate.model.id,
        displayName: estimate.model.displayName,
        inputTokens: estimate.inputTokens,
        draftTokens,
        usd: estimate.usd.typical,
        usdLow: estimate.usd.low,
        usdHigh: estimate.usd.high,
        outputLow: estimate.output.low,
        outputHigh: estimate.output.high,
        exact: estimate.exact,
      };
    });
    const tier = choice === 'auto' ? (recommendation?.tier ?? 'sonnet') : choice;
    const shown = recommendation ? { tier: recommendation.tier, model: recommendation.model, reasons: recommendation.reasons } : null;
    return { seq, tiers, recommendation: shown, warning: text.trim() === '' ? null : this.contextWarning(setting, tier) };
  }

  /** Each attachment's weight on every tier: its tokens, and what it adds to each send at the input rate. */
  attachments(files: readonly AttachedContext[]): Attachment[] {
    const paths = new Set(files.map((file) => file.path));
    for (const path of this.attachmentTokens.keys()) if (!paths.has(path)) this.attachmentTokens.delete(path);
    const table = this.stack.priceTable();
    const date = utcDate(this.now());
    return files.map((file) => {
      const tokens = perTier((tier) => this.attachmentTokenCount(file, this.family(tier)));
      const usd = perTier((tier) => {
        const model = resolveModel(table, this.models()[tier]);
        const split = requestSplit({ read: 0, write5m: 0, write1h: 0, uncached: tokens[tier], output: 0 });
        return priceScenario(table, model, split, date).usd.total;
      });
      return { id: attachmentIdOf(file.path), kind: file.kind, label: file.label, tokens, usd };
    });
  }

  private recommend(text: string, setting: DraftSetting): (Recommendation & { taskClass: TaskClass }) | null {
    const contextTokens = setting.attachments.reduce((sum, file) => sum + this.attachmentTokenCount(file, this.family('sonnet')), 0);
    const decision = this.stack.router().route({
      prompt: text,
      contextTokens,
      attachedFiles: setting.attachments.length,
      conversationTurns: setting.completedTurns,
      ...(setting.previousTier ? { previousTier: setting.previousTier } : {}),
    });
    return { tier: decision.tier, model: this.models()[decision.tier], reasons: decision.reasons, taskClass: decision.taskClass };
  }

  /**
   * "Far larger than the question needs": attachments above 4,000 tokens and more than 20 times the
   * question. Says how large and what they add to every turn uncached.
   */
  private contextWarning(setting: DraftSetting, tier: RoutedTier): string | null {
    const weights = this.attachments(setting.attachments);
    const contextTokens = weights.reduce((sum, a) => sum + a.tokens[tier], 0);
    const contextUsd = weights.reduce((sum, a) => sum + a.usd[tier], 0);
    const draftTokens = Math.max(this.draft.tokens(this.family(tier)), 1);
    if (contextTokens < 4000 || contextTokens < 20 * draftTokens) return null;
    const ratio = Math.round(contextTokens / draftTokens);
    return `Attached context is ${formatTokens(contextTokens)} tokens, ${ratio}x your question; it adds about ${formatUsd(contextUsd)} to every turn uncached. Attach only what the question needs.`;
  }

  private family(tier: RoutedTier): TokenizerFamily {
    return resolveModel(this.stack.priceTable(), this.models()[tier]).family;
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
