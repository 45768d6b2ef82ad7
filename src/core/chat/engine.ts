import type { MessagesClient } from '../anthropic/client.js';
import { checkBudget, type Budget, type BudgetDecision } from '../budget/index.js';
import { planBreakpoints, type Breakpoint, type PromptLayout } from '../cache/planner.js';
import { CacheModel, type CachePrediction } from '../cache/state.js';
import { chooseTtls, type CacheTtlSetting, type TtlChoice } from '../cache/ttl.js';
import type { ApiError } from '../errors.js';
import { TYPICAL_ANSWER_TOKENS, type ContextFile } from '../estimate.js';
import { buildLedgerEntry, uncachedUsd, type Ledger, type LedgerSource } from '../ledger/index.js';
import { priceTokens, priceUsage, rateCardFor, roundUsd, splitUsage, utcDate, type Usage } from '../prices/cost.js';
import { resolveModel, type PriceTable } from '../prices/priceTable.js';
import { TIERS, type ModelInfo, type TokenizerFamily } from '../prices/schema.js';
import type { CacheChoiceInput } from '../router/cacheAware.js';
import type { RouteDecision, RouteInput } from '../router/types.js';
import { estimateTextTokens, messageFrameTokens } from '../tokens/estimator.js';
import { DEFAULT_COMPRESSION, summaryRequest, turnsToCompress, type CompressionSettings } from './compress.js';
import type { ChatTurn, Conversation, HistorySummary } from './conversation.js';
import { buildMessagesRequest } from './request.js';

/** The router as the engine uses it: a tier for the prompt, then a model that respects warm caches. */
export interface ChatRouter {
  /** Local and instant: what the UI shows while the user types. */
  route(input: RouteInput): RouteDecision;
  /** Before a send, in 'model' mode: may ask a classifier model, whose cost comes back as `classifierCost`. */
  routeForSend?(input: RouteInput): Promise<RouteDecision>;
  chooseWithCache(input: CacheChoiceInput & { decision: RouteDecision }): { model: string; tier: string; reasons: string[] };
}

export interface ChatEngineOptions {
  client: MessagesClient;
  priceTable: PriceTable;
  ledger: Pick<Ledger, 'append' | 'spend'>;
  router: ChatRouter;
  workspace: { path: string; name: string };
  /** Epoch ms; drives cache expiry, think time and the budget's day. */
  clock?: () => number;
  /** Ledger `source` ('chat' for the panel, 'cli' for `tally chat`). */
  source?: LedgerSource;
  /** The user's default model: the baseline savings are measured against. Default: the sonnet tier. */
  defaultModel?: string;
  cacheTtl?: CacheTtlSetting;
  budget?: Budget;
  /** Asked when a request's estimate is above the confirmation threshold; default: not confirmed. */
  confirm?: (decision: BudgetDecision) => boolean | Promise<boolean>;
  /** null turns compression off. */
  compression?: CompressionSettings | null;
  /** Shared across conversations (caches are per model, not per chat). */
  cache?: CacheModel;
  /** Turns a conversation is expected to go on for, for the router's switch rule. */
  expectedTurns?: number;
  /** Pauses this user took before questions in earlier conversations (e.g. thinkTimesFromLedger), for 'auto' TTLs. */
  thinkTimesMs?: readonly number[];
}

export interface TurnRequest {
  user: string;
  /** 'auto' (default), a tier (haiku, sonnet, opus) or a model id. */
  model?: string;
  /** Files attached with this turn; one with the path of an attached file replaces it (an edit). */
  context?: ContextFile[];
  maxTokens?: number;
  onText?: (delta: string) => void;
  signal?: AbortSignal;
  /** Send even if a budget refuses or asks for confirmation. */
  overrideBudget?: boolean;
}

export type TurnStatus = 'ok' | 'error' | 'aborted' | 'refused' | 'declined';

export interface TurnResult {
  turn: number;
  status: TurnStatus;
  model: string;
  tier: string;
  reasons: string[];
  estimateUsd: number;
  /** As the API returned it; null when nothing was sent or the request failed before the stream started. */
  usage: Usage | null;
  usd: number;
  /** The same tokens on the same model with no caching. */
  uncachedUsd: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** uncachedUsd - usd: what caching saved on this turn (negative when it only wrote). */
  savedUsd: number;
  text: string;
  breakpoints: Breakpoint[];
  ttl: TtlChoice;
  prediction: CachePrediction;
  budget: BudgetDecision;
  /** Set when older turns were summarised before this one. */
  trimmed: { summary: HistorySummary; usd: number } | null;
  /** Paths this turn's context replaced. */
  replacedContext: string[];
  error: ApiError | null;
  requestId: string | null;
  durationMs: number;
}

const SUMMARY_MAX_TOKENS = 1024;
/** Text held for token estimates before the memo starts over (the memo shares the strings the conversation holds). */
const TOKEN_MEMO_CHARS = 16_000_000;
/** Recent pauses kept: enough to see a habit, recent enough to follow a change in it. */
const MAX_THINK_TIMES = 200;

/**
 * The conversation engine shared by `tally chat` and the VS Code panel. One call sends one turn:
 * router → cache-aware model choice → cache plan and estimate → budget → stream → ledger → cache model.
 */
export class ChatEngine {
  readonly cache: CacheModel;
  /** Pauses before questions across every conversation this engine served (and those it was given): how the user works. */
  readonly thinkTimesMs: number[];
  private readonly clock: () => number;
  private readonly defaultModel: ModelInfo;
  private readonly tokenMemo = new Map<TokenizerFamily, Map<string, number>>();
  private memoChars = 0;

  constructor(private readonly options: ChatEngineOptions) {
    this.cache = options.cache ?? new CacheModel();
    this.thinkTimesMs = [...(options.thinkTimesMs ?? [])].slice(-MAX_THINK_TIMES);
    this.clock = options.clock ?? Date.now;
    this.defaultModel = resolveModel(options.priceTable, options.defaultModel ?? 'sonnet');
  }

  async sendTurn(conversation: Conversation, request: TurnRequest): Promise<TurnResult> {
    const { priceTable: table } = this.options;
    const turnNumber = conversation.nextTurnNumber;
    const replacedContext = conversation.attach(request.context ?? [], turnNumber);

    const askedAt = this.clock();
    const date = utcDate(askedAt);
    // The pause before this question already tells how the user works; it is recorded once sent.
    const pause = conversation.lastReplyAtMs === null ? null : Math.max(0, askedAt - conversation.lastReplyAtMs);
    const thinkTimesMs = pause === null ? this.thinkTimesMs : [...this.thinkTimesMs, pause];
    const decision = await this.route(conversation, request);
    let plan = this.planTurn(conversation, request, decision, askedAt, date, thinkTimesMs);

    // The budget is checked before anything is paid for, the history summary included.
    const summaryTurns = this.turnsToSummarise(conversation);
    const summaryEstimateUsd = summaryTurns.length > 0 ? this.summaryEstimateUsd(summaryTurns, date) : 0;
    const budget = this.checkBudget(plan.estimateUsd + summaryEstimateUsd, request.overrideBudget ?? false);
    const notSentNow = (status: TurnStatus) => this.notSent(plan, { turn: turnNumber, trimmed: null, replacedContext }, status, budget);
    if (budget.action === 'refuse') return notSentNow('refused');
    if (budget.action === 'confirm' && !(await this.options.confirm?.(budget))) return notSentNow('declined');

    const trimmed = summaryTurns.length > 0 ? await this.summarise(conversation, summaryTurns, request.signal) : null;
    if (trimmed) plan = this.planTurn(conversation, request, decision, askedAt, date, thinkTimesMs);
    const { model, layout, breakpoints, maxTokens } = plan;
    const base = this.resultBase(plan, { turn: turnNumber, trimmed, replacedContext });

    const observed = conversation.observeQuestion(askedAt);
    if (observed !== null) {
      this.thinkTimesMs.push(observed);
      if (this.thinkTimesMs.length > MAX_THINK_TIMES) this.thinkTimesMs.shift();
    }
    const sentAt = this.clock();
    const result = await this.options.client.stream(buildMessagesRequest(model.id, layout, breakpoints, maxTokens), {
      ...(request.onText ? { onText: request.onText } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const usage = result.usage;
    // Conversation and cache model first: a ledger that cannot be written must not lose the answer.
    if (usage) this.cache.record(model.id, layout, breakpoints, usage, sentAt);
    if (result.status === 'ok') {
      conversation.addTurn(request.user, result.text, this.clock());
      conversation.lastTier = model.tier === 'frontier' ? 'opus' : model.tier;
    }
    if (usage) this.record(conversation, model, this.defaultModel, base.reasons, { ...result, usage }, sentAt);

    const usd = usage ? priceUsage(table, model, usage, { date: utcDate(sentAt) }).total : 0;
    const uncached = usage ? uncachedUsd(table, model, usage, utcDate(sentAt)) : 0;
    const split = usage ? splitUsage(usage) : null;
    return {
      ...base,
      status: result.status,
      budget,
      usage,
      usd,
      uncachedUsd: uncached,
      cacheReadTokens: split?.cacheRead ?? 0,
      cacheWriteTokens: split ? split.cacheWrite5m + split.cacheWrite1h : 0,
      savedUsd: roundUsd(uncached - usd),
      text: result.text,
      error: result.error,
      requestId: result.requestId,
      durationMs: result.durationMs,
    };
  }

  /** The router's tier for this question; a classifier model's cost (in 'model' mode) goes in the ledger. */
  private async route(conversation: Conversation, request: TurnRequest): Promise<RouteDecision> {
    const tokensOf = this.tokenCounter(this.defaultModel.family);
    const files = conversation.orderedFiles();
    const previousTier = conversation.lastTier;
    const input: RouteInput = {
      prompt: request.user,
      contextTokens: files.reduce((sum, file) => sum + tokensOf(file.text), 0),
      attachedFiles: files.length,
      conversationTurns: conversation.completedTurns.length,
      ...(previousTier ? { previousTier } : {}),
    };
    const { router } = this.options;
    const decision = router.routeForSend ? await router.routeForSend(input) : router.route(input);
    const cost = decision.classifierCost;
    if (cost) {
      const model = resolveModel(this.options.priceTable, cost.model);
      // Routing overhead: its baseline is itself, so it never shows as a routing saving.
      this.record(
        conversation,
        model,
        model,
        [`router: classifier model asked for the tier of turn ${conversation.nextTurnNumber}`],
        { usage: cost.usage, status: 'ok', requestId: null, durationMs: 0 },
        this.clock(),
        'router',
      );
    }
    return decision;
  }

  /** Model, cache plan and estimate for the question, from the conversation as it stands. */
  private planTurn(
    conversation: Conversation,
    request: TurnRequest,
    decision: RouteDecision,
    nowMs: number,
    date: string,
    thinkTimesMs: readonly number[],
  ): TurnPlan {
    const choice = this.chooseModel(conversation, request, decision, nowMs, date);
    const model = choice.model;
    const tokensOf = this.tokenCounter(model.family);
    const layout = conversation.layout(request.user, tokensOf, messageFrameTokens(model.family));
    const ttl = this.chooseTtl(conversation, model, layout, thinkTimesMs, nowMs, date);
    const breakpoints = planBreakpoints(layout, {
      minCacheableTokens: model.minCacheableTokens,
      ttl,
      warmIndexes: this.cache.warmIndexes(model.id, layout, nowMs),
    });
    const prediction = this.cache.predict(model.id, layout, breakpoints, nowMs);
    const maxTokens = Math.min(request.maxTokens ?? decision.maxTokens, model.maxOutput);
    const expectedOutput = Math.min(maxTokens, averageOutput(conversation, tokensOf) ?? TYPICAL_ANSWER_TOKENS);
    const estimateUsd = priceTokens(
      this.options.priceTable,
      model,
      {
        input: prediction.uncachedTokens,
        cacheWrite5m: prediction.write5mTokens,
        cacheWrite1h: prediction.write1hTokens,
        cacheRead: prediction.readTokens,
        output: expectedOutput,
      },
      { date },
    ).total;
    return { model, reasons: [...choice.reasons, ttl.reason], layout, ttl, breakpoints, prediction, maxTokens, estimateUsd };
  }

  private chooseModel(
    conversation: Conversation,
    request: TurnRequest,
    decision: RouteDecision,
    nowMs: number,
    date: string,
  ): { model: ModelInfo; reasons: string[] } {
    const { priceTable: table, router } = this.options;
    const wanted = (request.model ?? 'auto').trim();
    if (wanted.toLowerCase() !== 'auto') {
      const model = resolveModel(table, wanted);
      const how = (TIERS as readonly string[]).includes(wanted.toLowerCase()) ? `tier ${wanted}` : wanted;
      return { model, reasons: [`model set for this turn: ${how}`] };
    }
    const tokensOf = this.tokenCounter(this.defaultModel.family);
    const layout = conversation.layout(request.user, tokensOf, messageFrameTokens(this.defaultModel.family));
    const total = layout.cumulativeTokens.at(-1) ?? 0;
    const newTokens = layout.blocks.at(-1)?.tokens ?? 0;
    const chosen = router.chooseWithCache({
      decision,
      warmCaches: this.cache.warmPrefixes(layout, nowMs),
      nowMs,
      prefixTokens: total - newTokens,
      newTokens,
      expectedTurns: this.options.expectedTurns ?? 5,
      outputTokens: averageOutput(conversation, tokensOf) ?? TYPICAL_ANSWER_TOKENS,
      priceTable: table,
      date,
    });
    return { model: resolveModel(table, chosen.model), reasons: chosen.reasons };
  }

  private resultBase(plan: TurnPlan, turn: Pick<TurnResult, 'turn' | 'trimmed' | 'replacedContext'>) {
    const { model, reasons, estimateUsd, breakpoints, ttl, prediction } = plan;
    return { ...turn, model: model.id, tier: model.tier, reasons, estimateUsd, breakpoints, ttl, prediction };
  }

  private notSent(
    plan: TurnPlan,
    turn: Pick<TurnResult, 'turn' | 'trimmed' | 'replacedContext'>,
    status: TurnStatus,
    budget: BudgetDecision,
  ): TurnResult {
    return {
      ...this.resultBase(plan, turn),
      status,
      budget,
      usage: null,
      usd: 0,
      uncachedUsd: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      savedUsd: 0,
      text: '',
      error: null,
      requestId: null,
      durationMs: 0,
    };
  }

  /** One ledger entry; `baselineModel` is what savings are measured against. */
  private record(
    conversation: Conversation,
    model: ModelInfo,
    baselineModel: ModelInfo,
    reasons: string[],
    result: { usage: Usage; status: 'ok' | 'error' | 'aborted'; requestId: string | null; durationMs: number },
    startedAt: number,
    source = this.options.source ?? 'chat',
  ): number {
    const entry = buildLedgerEntry(this.options.priceTable, {
      startedAt,
      workspace: this.options.workspace,
      source,
      conversationId: conversation.id,
      model,
      defaultModel: baselineModel,
      routedReasons: reasons,
      usage: result.usage,
      requestId: result.requestId,
      status: result.status,
      durationMs: result.durationMs,
    });
    this.options.ledger.append(entry);
    return entry.usd;
  }

  private chooseTtl(
    conversation: Conversation,
    model: ModelInfo,
    layout: PromptLayout,
    thinkTimesMs: readonly number[],
    nowMs: number,
    date: string,
  ): TtlChoice {
    const setting = this.options.cacheTtl ?? '5m';
    // What a plain 5-minute plan would read and write tells 'auto' what is at stake.
    const probe = planBreakpoints(layout, { minCacheableTokens: model.minCacheableTokens, ttl: { prefix: '5m', turn: '5m', reason: '' } });
    const predicted = this.cache.predict(model.id, layout, probe, nowMs);
    const prefixEnd = probe.find((bp) => bp.label === 'prefix')?.prefixTokens ?? 0;
    const lastBp = probe.at(-1)?.prefixTokens ?? 0;
    return chooseTtls({
      setting,
      thinkTimesMs,
      coldPrefix: predicted.readTokens < prefixEnd,
      firstQuestion: conversation.completedTurns.length === 0 && conversation.summary === null,
      writeTokens: predicted.write5mTokens + predicted.write1hTokens,
      protectedTokens: lastBp,
      rates: rateCardFor(model, date, layout.cumulativeTokens.at(-1) ?? 0),
    });
  }

  /** Token estimates by text: every turn re-sends the same system prompt, files and history. */
  private tokenCounter(family: TokenizerFamily): (text: string) => number {
    let memo = this.tokenMemo.get(family);
    if (!memo) this.tokenMemo.set(family, (memo = new Map()));
    return (text) => {
      let tokens = memo.get(text);
      if (tokens === undefined) {
        tokens = estimateTextTokens(text, family);
        if ((this.memoChars += text.length) > TOKEN_MEMO_CHARS) {
          memo.clear(); // texts no longer sent (edited files, compressed turns) are let go
          this.memoChars = text.length;
        }
        memo.set(text, tokens);
      }
      return tokens;
    };
  }

  private checkBudget(estimateUsd: number, override: boolean): BudgetDecision {
    const budget = this.options.budget ?? { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null };
    const spend = this.options.ledger.spend(this.options.workspace.path);
    return checkBudget({ budget, spentTodayUsd: spend.today.usd, spentMonthUsd: spend.thisMonth.usd, estimateUsd, override });
  }

  private compressionSettings(): CompressionSettings | null {
    return this.options.compression === undefined ? DEFAULT_COMPRESSION : this.options.compression;
  }

  /** Oldest turns to summarise before this question, once the history passes its budget. */
  private turnsToSummarise(conversation: Conversation): ChatTurn[] {
    const settings = this.compressionSettings();
    if (!settings) return [];
    return turnsToCompress(conversation, settings, this.tokenCounter(this.summaryModel().family));
  }

  /** A summary's worst case: every summarised token in, the whole summary allowance out, on the cheap tier. */
  private summaryEstimateUsd(turns: readonly ChatTurn[], date: string): number {
    const model = this.summaryModel();
    const tokensOf = this.tokenCounter(model.family);
    const input = turns.reduce((sum, turn) => sum + tokensOf(turn.user) + tokensOf(turn.assistant), 0);
    const output = this.compressionSettings()?.summaryMaxTokens ?? SUMMARY_MAX_TOKENS;
    return priceTokens(this.options.priceTable, model, { input, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output }, { date }).total;
  }

  private summaryModel(): ModelInfo {
    return resolveModel(this.options.priceTable, 'haiku');
  }

  /** Summarises `turns` with the cheap tier; the summary's cost goes in the ledger as overhead (its own baseline). */
  private async summarise(
    conversation: Conversation,
    turns: readonly ChatTurn[],
    signal: AbortSignal | undefined,
  ): Promise<{ summary: HistorySummary; usd: number } | null> {
    const model = this.summaryModel();
    const sentAt = this.clock();
    const request = summaryRequest(conversation, turns, model.id, this.compressionSettings()?.summaryMaxTokens ?? SUMMARY_MAX_TOKENS);
    const result = await this.options.client.stream(request, signal ? { signal } : {});
    const reason = `history compression: summarised turns ${turns[0]!.number}-${turns.at(-1)!.number}`;
    const usd = result.usage ? this.record(conversation, model, model, [reason], { ...result, usage: result.usage }, sentAt, 'summary') : 0;
    if (result.status !== 'ok' || !result.text.trim()) return null; // keep the full history rather than lose it
    return { summary: conversation.compress(result.text.trim(), turns.at(-1)!.number), usd };
  }
}

interface TurnPlan {
  model: ModelInfo;
  reasons: string[];
  layout: PromptLayout;
  ttl: TtlChoice;
  breakpoints: Breakpoint[];
  prediction: CachePrediction;
  maxTokens: number;
  estimateUsd: number;
}

function averageOutput(conversation: Conversation, tokensOf: (text: string) => number): number | undefined {
  const turns = conversation.completedTurns;
  if (turns.length === 0) return undefined;
  return Math.round(turns.reduce((sum, turn) => sum + tokensOf(turn.assistant), 0) / turns.length);
}
