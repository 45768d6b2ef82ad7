import type { MessagesClient } from '../anthropic/client.js';
import {
  addWorstCase,
  memoryBudgetGuard,
  PROMPT_ESTIMATE_MARGIN,
  worstCaseOf,
  type Budget,
  type BudgetDecision,
  type BudgetGuard,
  type Hold,
} from '../budget/index.js';
import type { Breakpoint, PromptLayout } from '../cache/planner.js';
import { CacheModel, type CachePrediction } from '../cache/state.js';
import type { CacheTtlSetting, TtlChoice } from '../cache/ttl.js';
import type { ApiError } from '../errors.js';
import {
  answerLengthsFrom,
  estimateRequest,
  TokenMemo,
  type AnswerLengths,
  type ExactTokenCounts,
  type RequestEstimate,
} from '../estimate/index.js';
import { buildLedgerEntry, uncachedUsd, type Ledger, type LedgerSource } from '../ledger/index.js';
import { priceTokens, priceUsage, roundUsd, splitUsage, utcDate, type Usage } from '../prices/cost.js';
import { resolveModel, type PriceTable } from '../prices/priceTable.js';
import { TIERS, type ModelInfo, type TokenizerFamily } from '../prices/schema.js';
import { tierLabel } from '../tiers.js';
import type { CacheChoiceInput } from '../router/cacheAware.js';
import type { RouteDecision, RouteInput, TaskClass } from '../router/types.js';
import { messageFrameTokens } from '../tokens/estimator.js';
import { DEFAULT_COMPRESSION, summaryRequest, turnsToCompress, type CompressionSettings } from './compress.js';
import type { ChatTurn, ContextFile, Conversation, HistorySummary } from './conversation.js';
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
  ledger: Pick<Ledger, 'append' | 'spend'> & Partial<Pick<Ledger, 'checkWritable'>>;
  /** Reserves each request's worst case against hard budgets; share one per ledger (openBudgetGuard). Default: this engine only. */
  budgetGuard?: BudgetGuard;
  /** Anthropic's count_tokens, when a key allows: each request is counted exactly before it is sent. */
  exactCounts?: ExactTokenCounts;
  /** How long this user's answers run (e.g. from the ledger); learns each new answer. Default: the priors. */
  answers?: AnswerLengths;
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
  /** The estimate shown before sending (exact on the input side when count_tokens answered). */
  estimate: RequestEstimate;
  /** As the API returned it; null when nothing was sent or the request failed before the stream started. */
  usage: Usage | null;
  /** Set when the server's usage could not be used and Tally recorded its own estimate instead. */
  usageProblem: string | null;
  /** Set when the ledger could not be written: the entry is kept aside and counted, and the user must be told. */
  ledgerProblem: string | null;
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
  private readonly guard: BudgetGuard;
  private readonly answers: AnswerLengths;
  private readonly tokenMemo = new TokenMemo();

  constructor(private readonly options: ChatEngineOptions) {
    this.cache = options.cache ?? new CacheModel();
    this.thinkTimesMs = [...(options.thinkTimesMs ?? [])].slice(-MAX_THINK_TIMES);
    this.clock = options.clock ?? Date.now;
    this.defaultModel = resolveModel(options.priceTable, options.defaultModel ?? 'sonnet');
    this.guard = options.budgetGuard ?? memoryBudgetGuard(options.ledger, this.clock);
    this.answers = options.answers ?? answerLengthsFrom([]);
  }

  async sendTurn(conversation: Conversation, request: TurnRequest): Promise<TurnResult> {
    const ledgerProblems: string[] = [];
    const turnNumber = conversation.nextTurnNumber;
    const replacedContext = conversation.attach(request.context ?? [], turnNumber);

    const askedAt = this.clock();
    const date = utcDate(askedAt);
    // The pause before this question already tells how the user works; it is recorded once sent.
    const pause = conversation.lastReplyAtMs === null ? null : Math.max(0, askedAt - conversation.lastReplyAtMs);
    const thinkTimesMs = pause === null ? this.thinkTimesMs : [...this.thinkTimesMs, pause];
    const decision = await this.route(conversation, request, ledgerProblems);
    let plan = this.planTurn(conversation, request, decision, askedAt, thinkTimesMs);
    // With a key, the request is counted exactly before it is sent, so the estimate's input side is the bill's.
    const exact = await this.exactCount(plan);
    if (exact) plan = this.planTurn(conversation, request, decision, askedAt, thinkTimesMs, exact);

    // Before anything is paid for (the history summary included): the ledger must take the entry,
    // and the budget must have room for the worst case, which stays reserved until it is recorded.
    this.options.ledger.checkWritable?.();
    const summaryTurns = this.turnsToSummarise(conversation);
    const hold = await this.holdBudget(plan, summaryTurns, date, request.overrideBudget ?? false);
    const notSentNow = (status: TurnStatus, budget: BudgetDecision) =>
      this.notSent(plan, { turn: turnNumber, trimmed: null, replacedContext }, status, budget);
    if (!hold.granted) return notSentNow('refused', hold.decision);
    try {
      if (hold.decision.action === 'confirm' && !(await this.options.confirm?.(hold.decision))) {
        return notSentNow('declined', hold.decision);
      }
      const step = { decision, plan, hold, summaryTurns, turnNumber, replacedContext, askedAt, thinkTimesMs, ledgerProblems };
      return await this.send(conversation, request, step);
    } finally {
      hold.release();
    }
  }

  /** Sends a turn the budget has room for (summarising older turns first when due) and records what it cost. */
  private async send(conversation: Conversation, request: TurnRequest, step: SendStep): Promise<TurnResult> {
    const { priceTable: table } = this.options;
    const { decision, hold, summaryTurns, turnNumber, replacedContext, askedAt, thinkTimesMs, ledgerProblems } = step;
    const trimmed = summaryTurns.length > 0 ? await this.summarise(conversation, summaryTurns, request.signal, ledgerProblems) : null;
    let plan = step.plan;
    if (trimmed) {
      plan = this.planTurn(conversation, request, decision, askedAt, thinkTimesMs);
      const exact = await this.exactCount(plan);
      if (exact) plan = this.planTurn(conversation, request, decision, askedAt, thinkTimesMs, exact);
    }
    const { model, layout, breakpoints } = plan;
    const maxTokens = Math.min(plan.maxTokens, hold.maxTokens);
    const base = this.resultBase(plan, { turn: turnNumber, trimmed, replacedContext });
    if (maxTokens < plan.maxTokens) {
      base.reasons = [...base.reasons, `max_tokens lowered from ${plan.maxTokens} to ${maxTokens} so this request cannot pass the budget`];
    }

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
      if (usage && !result.usageEstimated)
        this.answers.add({ taskClass: decision.taskClass, model: model.id, outputTokens: usage.output_tokens });
    }
    if (usage) {
      const recorded = { ...result, usage, taskClass: decision.taskClass };
      this.record(conversation, model, this.defaultModel, base.reasons, recorded, sentAt, ledgerProblems);
    }

    const usd = usage ? priceUsage(table, model, usage, { date: utcDate(sentAt) }).total : 0;
    const uncached = usage ? uncachedUsd(table, model, usage, utcDate(sentAt)) : 0;
    const split = usage ? splitUsage(usage) : null;
    return {
      ...base,
      status: result.status,
      budget: hold.decision,
      usage,
      usageProblem: result.usageProblem,
      ledgerProblem: ledgerProblems[0] ?? null,
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
  private async route(conversation: Conversation, request: TurnRequest, ledgerProblems: string[]): Promise<RouteDecision> {
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
        ledgerProblems,
        'router',
      );
    }
    return decision;
  }

  /** Model, cache plan and estimate for the question, from the conversation as it stands. */
  /** Model, cache plan and estimate for the question, from the conversation as it stands (exact when the count is given). */
  private planTurn(
    conversation: Conversation,
    request: TurnRequest,
    decision: RouteDecision,
    nowMs: number,
    thinkTimesMs: readonly number[],
    exact: ExactCounts | null = null,
  ): TurnPlan {
    const choice = this.chooseModel(conversation, request, decision, nowMs, utcDate(nowMs));
    const model = choice.model;
    const tokensOf = this.tokenCounter(model.family);
    const layout = conversation.layout(request.user, tokensOf, messageFrameTokens(model.family));
    const maxTokens = Math.min(request.maxTokens ?? decision.maxTokens, model.maxOutput);
    const estimate = estimateRequest(
      {
        model,
        layout,
        maxTokens,
        firstQuestion: conversation.completedTurns.length === 0 && conversation.summary === null,
        taskClass: decision.taskClass,
      },
      {
        table: this.options.priceTable,
        cache: this.cache,
        ttl: this.options.cacheTtl ?? '5m',
        thinkTimesMs,
        nowMs,
        answers: this.answers,
        exactInputTokens: exact?.total ?? null,
        ...(exact ? { exactPrefixTokens: exact.prefixes } : {}),
      },
    );
    const { ttl, breakpoints, prediction } = estimate;
    const reasons = [...choice.reasons, ttl.reason];
    return {
      model,
      reasons,
      layout: estimate.layout,
      ttl,
      breakpoints,
      prediction,
      maxTokens,
      estimateUsd: estimate.usd.typical,
      estimate,
    };
  }

  /**
   * Anthropic's counts for the planned request (count_tokens is free), when an exact counter is
   * configured: the whole request, and the system-area prefixes its breakpoints end at (so what a
   * later turn reads from an earlier breakpoint is known exactly too). Null without a counter or on failure.
   */
  private async exactCount(plan: TurnPlan): Promise<ExactCounts | null> {
    const counts = this.options.exactCounts;
    if (!counts) return null;
    const { max_tokens: _max, ...countable } = buildMessagesRequest(plan.model.id, plan.layout, plan.breakpoints, plan.maxTokens);
    const total = await counts.countNow(countable, EXACT_COUNT_TIMEOUT_MS);
    if (total === null) return null;
    const prefixes = new Map<number, number>();
    const inSystem = plan.breakpoints.filter(
      (bp) => bp.index < plan.layout.blocks.length - 1 && plan.layout.blocks[bp.index]!.role === 'system',
    );
    if (inSystem.length === 0) return { total, prefixes };
    const probe = { model: plan.model.id, messages: [{ role: 'user' as const, content: PREFIX_PROBE }] };
    const probeTokens = await counts.countNow(probe, EXACT_COUNT_TIMEOUT_MS);
    if (probeTokens === null) return { total, prefixes };
    for (const bp of inSystem) {
      const system = plan.layout.blocks.slice(0, bp.index + 1).map((block) => ({ type: 'text' as const, text: block.text }));
      const withPrefix = await counts.countNow({ ...probe, system }, EXACT_COUNT_TIMEOUT_MS);
      if (withPrefix !== null) prefixes.set(bp.index, withPrefix - probeTokens + messageFrameTokens(plan.model.family));
    }
    return { total, prefixes };
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
      const isTier = (TIERS as readonly string[]).includes(wanted.toLowerCase());
      const chosen = isTier ? tierLabel(wanted) : model.id;
      const recommended = tierLabel(decision.tier);
      const note = isTier && wanted.toLowerCase() === decision.tier ? 'also the recommendation' : `${recommended} was recommended`;
      return { model, reasons: [`you chose ${chosen} for this turn (${note})`] };
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
      outputTokens: this.answers.rangeFor(decision.taskClass, resolveModel(table, decision.model).id).typical,
      priceTable: table,
      date,
    });
    return { model: resolveModel(table, chosen.model), reasons: chosen.reasons };
  }

  private resultBase(plan: TurnPlan, turn: Pick<TurnResult, 'turn' | 'trimmed' | 'replacedContext'>) {
    const { model, reasons, estimateUsd, breakpoints, ttl, prediction, estimate } = plan;
    return { ...turn, model: model.id, tier: model.tier, reasons, estimateUsd, estimate, breakpoints, ttl, prediction };
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
      usageProblem: null,
      ledgerProblem: null,
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
    result: RecordedRequest,
    startedAt: number,
    problems: string[],
    source = this.options.source ?? 'chat',
  ): number {
    const entry = buildLedgerEntry(this.options.priceTable, {
      startedAt,
      workspace: this.options.workspace,
      source,
      client: 'tally',
      conversationId: conversation.id,
      model,
      defaultModel: baselineModel,
      routedReasons: reasons,
      usage: result.usage,
      usageEstimated: result.usageEstimated ?? false,
      taskClass: result.taskClass ?? null,
      requestId: result.requestId,
      messageId: result.messageId ?? null,
      status: result.status,
      durationMs: result.durationMs,
    });
    const written = this.options.ledger.append(entry);
    if (!written.written) {
      problems.push(
        `${written.reason}; ${written.keptIn ? `the entry is kept in ${written.keptIn}` : 'the entry is kept in memory'} and will be added when the ledger can be written`,
      );
    }
    return entry.usd;
  }

  /**
   * Reserves the worst case of this turn (and of a history summary sent before it). The prompt is
   * bounded by twice Tally's estimate; when that leaves too little room, Anthropic's exact count
   * (count_tokens is free) replaces the margin, so a request close to the limit is judged exactly.
   */
  private async holdBudget(plan: TurnPlan, summaryTurns: readonly ChatTurn[], date: string, override: boolean): Promise<Hold> {
    const budget = this.options.budget ?? NO_BUDGET;
    const summary = summaryTurns.length > 0 ? this.summaryWorstCase(summaryTurns, date) : null;
    const attempt = (inputTokens: number) => {
      const turn = worstCaseOf(plan.model, date, inputTokens, plan.maxTokens, plan.estimateUsd);
      const worst = summary ? addWorstCase(turn, summary) : turn;
      return this.guard.hold({ workspace: this.options.workspace.path, budget, worst, override });
    };
    // An exact count needs no margin: it is what the server will count.
    if (plan.estimate.exact) return attempt(plan.estimate.inputTokens);
    const estimated = plan.estimate.inputTokens;
    const first = attempt(Math.ceil(estimated * PROMPT_ESTIMATE_MARGIN));
    if (budget.dailyUsd === null && budget.monthlyUsd === null) return first;
    if (first.granted && first.maxTokens === plan.maxTokens) return first;
    if (first.granted) first.release();
    let exact: number;
    try {
      exact = await this.options.client.countTokens(buildMessagesRequest(plan.model.id, plan.layout, plan.breakpoints, plan.maxTokens));
    } catch {
      return attempt(Math.ceil(estimated * PROMPT_ESTIMATE_MARGIN)); // no exact count: the margin stands
    }
    return attempt(exact);
  }

  private tokenCounter(family: TokenizerFamily): (text: string) => number {
    return this.tokenMemo.counter(family);
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

  /** A summary's worst case: every summarised token in (with the estimate's margin), the whole summary allowance out, on the cheap tier. */
  private summaryWorstCase(turns: readonly ChatTurn[], date: string): { inputUsd: number; outputUsd: number; estimateUsd: number } {
    const model = this.summaryModel();
    const tokensOf = this.tokenCounter(model.family);
    const input = turns.reduce((sum, turn) => sum + tokensOf(turn.user) + tokensOf(turn.assistant), 0);
    const output = this.compressionSettings()?.summaryMaxTokens ?? SUMMARY_MAX_TOKENS;
    const worst = worstCaseOf(model, date, Math.ceil(input * PROMPT_ESTIMATE_MARGIN), output, 0);
    const estimateUsd = priceTokens(
      this.options.priceTable,
      model,
      { input, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output },
      { date },
    ).total;
    return { inputUsd: worst.inputUsd, outputUsd: output * worst.outputUsdPerToken, estimateUsd };
  }

  private summaryModel(): ModelInfo {
    return resolveModel(this.options.priceTable, 'haiku');
  }

  /** Summarises `turns` with the cheap tier; the summary's cost goes in the ledger as overhead (its own baseline). */
  private async summarise(
    conversation: Conversation,
    turns: readonly ChatTurn[],
    signal: AbortSignal | undefined,
    ledgerProblems: string[],
  ): Promise<{ summary: HistorySummary; usd: number } | null> {
    const model = this.summaryModel();
    const sentAt = this.clock();
    const request = summaryRequest(conversation, turns, model.id, this.compressionSettings()?.summaryMaxTokens ?? SUMMARY_MAX_TOKENS);
    const result = await this.options.client.stream(request, signal ? { signal } : {});
    const reason = `history compression: summarised turns ${turns[0]!.number}-${turns.at(-1)!.number}`;
    const usd = result.usage
      ? this.record(conversation, model, model, [reason], { ...result, usage: result.usage }, sentAt, ledgerProblems, 'summary')
      : 0;
    if (result.status !== 'ok' || !result.text.trim()) return null; // keep the full history rather than lose it
    return { summary: conversation.compress(result.text.trim(), turns.at(-1)!.number), usd };
  }
}

/** A request as the ledger records it. */
interface RecordedRequest {
  usage: Usage;
  usageEstimated?: boolean;
  status: 'ok' | 'error' | 'aborted';
  requestId: string | null;
  messageId?: string | null;
  durationMs: number;
  taskClass?: TaskClass;
}

/** What sendTurn decided before sending, handed to send(). */
interface SendStep {
  decision: RouteDecision;
  plan: TurnPlan;
  hold: Extract<Hold, { granted: true }>;
  summaryTurns: ChatTurn[];
  turnNumber: number;
  replacedContext: string[];
  askedAt: number;
  thinkTimesMs: readonly number[];
  ledgerProblems: string[];
}

/** Exact counts of a planned request: the whole, and cumulative counts at some block indexes. */
interface ExactCounts {
  total: number;
  prefixes: Map<number, number>;
}

/** A user message counted on its own and after a system prefix: the difference is the prefix. */
const PREFIX_PROBE = '.';
/** A send waits at most this long for its exact count (then goes with the offline estimate). */
const EXACT_COUNT_TIMEOUT_MS = 2_000;
const NO_BUDGET: Budget = { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null };

interface TurnPlan {
  model: ModelInfo;
  reasons: string[];
  layout: PromptLayout;
  ttl: TtlChoice;
  breakpoints: Breakpoint[];
  prediction: CachePrediction;
  maxTokens: number;
  estimateUsd: number;
  /** Tally's estimate, as shown before sending. */
  estimate: RequestEstimate;
}
