import { createMessagesClient, type MessagesClient } from '../anthropic/client.js';
import type { Budget, BudgetDecision, BudgetGuard } from '../budget/index.js';
import { rememberedCache, type CacheMemory } from '../cache/memory.js';
import type { CacheModel } from '../cache/state.js';
import type { CacheTtlSetting } from '../cache/ttl.js';
import {
  answerLengthsFrom,
  estimateRequest,
  ExactTokenCounts,
  type AnswerLengths,
  type PastAnswer,
  TokenMemo,
  type RequestEstimate,
} from '../estimate/index.js';
import { OVERHEAD_SOURCES, type Ledger, type LedgerEntry, type LedgerSource } from '../ledger/index.js';
import { utcDate } from '../prices/cost.js';
import { resolveModel, withTierModels, type PriceTable } from '../prices/priceTable.js';
import { createModelClassifier, type RouterConfig, type TaskClass } from '../router/index.js';
import type { RoutedTier } from '../tiers.js';
import { messageFrameTokens } from '../tokens/estimator.js';
import type { CompressionSettings } from './compress.js';
import type { Conversation } from './conversation.js';
import { ChatEngine, type ChatRouter } from './engine.js';
import { buildMessagesRequest } from './request.js';
import { defaultChatRouter } from './router.js';
import { thinkTimesFromLedger } from './thinkTime.js';

/**
 * What a host (the CLI, the VS Code extension) gives the chat stack: a small interface, as
 * Continue's core is driven through its IDE interface. Accessors are read on every use; a new
 * settings or price-table object means "changed", and the engine is rebuilt around the same cache.
 */
export interface ChatHost {
  /** The API key, or undefined when none is set (never logged). */
  apiKey(): Promise<string | undefined>;
  settings(): ChatStackSettings;
  /** The price table with the user's overrides. */
  priceTable(): PriceTable;
  /** The process's one ledger for the current directory, and the hard-budget guard over it. */
  ledger(): { ledger: Ledger; guard: BudgetGuard };
  workspace(): { path: string; name: string };
  /** Epoch ms: cache expiry, think time, the budget's day. */
  clock(): number;
  /** How this host's requests are recorded ('chat' for the panel, 'cli' for `tally chat`). */
  source: LedgerSource;
  /** Asked when a request's estimate is above the confirmation threshold. */
  confirm?(decision: BudgetDecision): Promise<boolean>;
  /** Count each request with Anthropic's count_tokens before sending (free; default true). */
  exactCounts?: boolean;
  /** Keeps the cache model across reloads, so the first estimate after one knows what is warm. */
  cacheMemory?: CacheMemory;
  /** A cache model shared with other stacks of this process (every chat surface of a window); wins over cacheMemory. */
  cache?: CacheModel;
}

export interface ChatStackSettings {
  /** The model each tier uses: the one tier → model mapping, applied to the price table and the router. */
  models: Record<RoutedTier, string>;
  router: RouterConfig;
  budget: Budget;
  apiBaseUrl: string | null;
  cacheTtl: CacheTtlSetting;
  /** null turns history compression off; absent uses the default. */
  compression?: CompressionSettings | null;
}

export interface ChatStack {
  /** The engine for the current key and settings, or 'no-key'. Built on first use and when either changes. */
  engine(): Promise<ChatEngine | 'no-key'>;
  /** What is warm on which model: shared by every engine built and by every estimate. */
  readonly cache: CacheModel;
  /** The price table with the tier mapping applied. */
  priceTable(): PriceTable;
  /** Local routing (instant), for what the UI shows while the user types. */
  router(): ChatRouter;
  /**
   * What `message` would cost as the next turn of `conversation` on `tier`: the engine's own estimate,
   * exact on the input side once count_tokens has answered (asked for in the background when a key is known).
   */
  estimateTurn(conversation: Conversation, message: string, tier: RoutedTier, options?: EstimateTurnOptions): RequestEstimate;
}

export interface EstimateTurnOptions {
  /** The message's content tokens when already counted (a draft's count kept between keystrokes). */
  messageTokens?: number;
  taskClass?: TaskClass;
  maxTokens?: number;
  /** Called when an exact count arrives for a request estimated earlier, so a view can refresh. */
  onExact?: () => void;
}

/** How far back the ledger teaches the stack how this user pauses and how long their answers run. */
const HISTORY_DAYS = 30;

export function createChatStack(host: ChatHost): ChatStack {
  const cache = host.cache ?? rememberedCache(host.cacheMemory, host.clock);
  const memo = new TokenMemo();
  let built: { engine: ChatEngine; key: string; settings: ChatStackSettings; table: PriceTable; ledger: Ledger } | undefined;
  let history: { ledger: Ledger; answers: AnswerLengths; thinkTimesMs: number[] } | undefined;
  let exact: { key: string; baseUrl: string | null; counts: ExactTokenCounts } | undefined;
  let onExact: (() => void) | undefined;

  const table = () => withTierModels(host.priceTable(), host.settings().models);
  const routerConfig = (settings: ChatStackSettings): RouterConfig => ({
    ...settings.router,
    models: settings.models,
    classifierModel: settings.models.haiku,
  });

  /** Answer lengths and pauses from the ledger, read once per ledger and then learned as turns are answered. */
  function learned(ledger: Ledger) {
    if (history?.ledger === ledger) return history;
    const since = utcDate(host.clock() - HISTORY_DAYS * 86_400_000);
    const entries = ledger.query({ workspace: host.workspace().path, since }).entries;
    history = {
      ledger,
      answers: answerLengthsFrom(entries.filter(isOwnAnswer).map(pastAnswer)),
      thinkTimesMs: thinkTimesFromLedger(entries),
    };
    return history;
  }

  function exactCounts(key: string, client: MessagesClient, baseUrl: string | null): ExactTokenCounts {
    if (exact?.key === key && exact.baseUrl === baseUrl) return exact.counts;
    const counts = new ExactTokenCounts({ countTokens: (request) => client.countTokens(request), onCount: () => onExact?.() });
    exact = { key, baseUrl, counts };
    return counts;
  }

  return {
    cache,
    priceTable: table,
    router: () => defaultChatRouter(table(), routerConfig(host.settings()), { clock: host.clock }),

    async engine() {
      const key = await host.apiKey();
      if (!key) return 'no-key';
      const settings = host.settings();
      const baseTable = host.priceTable();
      const { ledger, guard } = host.ledger();
      if (built && built.key === key && built.settings === settings && built.table === baseTable && built.ledger === ledger) {
        return built.engine;
      }
      const priceTable = withTierModels(baseTable, settings.models);
      const client = createMessagesClient({ apiKey: key, ...(settings.apiBaseUrl ? { baseUrl: settings.apiBaseUrl } : {}) });
      const config = routerConfig(settings);
      const { answers, thinkTimesMs } = learned(ledger);
      const engine = new ChatEngine({
        client,
        priceTable,
        ledger,
        budgetGuard: guard,
        ...(host.exactCounts !== false ? { exactCounts: exactCounts(key, client, settings.apiBaseUrl) } : {}),
        answers,
        router: defaultChatRouter(priceTable, config, {
          classify: createModelClassifier(client, config.classifierModel),
          clock: host.clock,
        }),
        workspace: host.workspace(),
        clock: host.clock,
        source: host.source,
        defaultModel: settings.models.sonnet,
        cacheTtl: settings.cacheTtl,
        budget: settings.budget,
        ...(host.confirm ? { confirm: (decision: BudgetDecision) => host.confirm!(decision) } : {}),
        cache,
        // Pauses seen by the engine this replaces carry over, so a settings change forgets nothing.
        thinkTimesMs: built?.engine.thinkTimesMs ?? thinkTimesMs,
        ...(settings.compression !== undefined ? { compression: settings.compression } : {}),
      });
      built = { engine, key, settings, table: baseTable, ledger };
      return engine;
    },

    estimateTurn(conversation, message, tier, options = {}) {
      const settings = host.settings();
      const priceTable = table();
      const model = resolveModel(priceTable, settings.models[tier]);
      const layout = conversation.layout(message, memo.counter(model.family), messageFrameTokens(model.family), options.messageTokens);
      const maxTokens = Math.min(options.maxTokens ?? settings.router.maxTokens[options.taskClass ?? 'explain'], model.maxOutput);
      const shape = {
        model,
        layout,
        maxTokens,
        firstQuestion: conversation.completedTurns.length === 0 && conversation.summary === null,
        ...(options.taskClass ? { taskClass: options.taskClass } : {}),
      };
      const { answers, thinkTimesMs } = learned(host.ledger().ledger);
      const context = { table: priceTable, cache, ttl: settings.cacheTtl, thinkTimesMs, nowMs: host.clock(), answers };
      const first = estimateRequest(shape, context);
      const counts = exact?.counts;
      if (!counts) return first;
      const { max_tokens: _max, ...countable } = buildMessagesRequest(model.id, first.layout, first.breakpoints, maxTokens);
      const known = counts.peek(countable);
      if (known !== undefined) return estimateRequest(shape, { ...context, exactInputTokens: known });
      if (options.onExact) onExact = options.onExact;
      counts.request(countable);
      return first;
    },
  };
}

/** Answers the user asked for (not Tally's summaries or classifier calls), that completed. */
function isOwnAnswer(entry: LedgerEntry): boolean {
  return entry.status === 'ok' && !entry.usageEstimated && !OVERHEAD_SOURCES.includes(entry.source as LedgerSource);
}

function pastAnswer(entry: LedgerEntry): PastAnswer {
  return { taskClass: (entry.taskClass as TaskClass | null) ?? null, model: entry.model, outputTokens: entry.usage.output_tokens };
}
