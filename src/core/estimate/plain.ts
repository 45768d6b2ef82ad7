import { CacheModel } from '../cache/state.js';
import type { CacheTtlSetting } from '../cache/ttl.js';
import type { PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import type { TaskClass } from '../router/types.js';
import { plainRequestLayout, type PlainRequest } from './layout.js';
import { answerLengthsFrom, type AnswerLengths } from './output.js';
import { estimateRequest, type RequestEstimate } from './request.js';

export interface PlainEstimateOptions {
  nowMs: number;
  /** Default 'auto', as the chat engine sends. */
  ttl?: CacheTtlSetting;
  answers?: AnswerLengths;
  taskClass?: TaskClass;
  /** Default: the model's largest output. */
  maxTokens?: number;
  /** Content tokens of a text (e.g. an incremental count kept between keystrokes); default the offline estimate. */
  tokensOf?: (text: string) => number;
  /** What is warm now; default nothing. */
  cache?: CacheModel;
  exactInputTokens?: number | null;
}

const PRIORS_ONLY = answerLengthsFrom([]);

/** A request given as parts, estimated on `model` as the chat engine would send it as a new conversation. */
export function estimatePlainRequest(
  table: PriceTable,
  model: ModelInfo,
  request: PlainRequest,
  options: PlainEstimateOptions,
): RequestEstimate {
  const layout = plainRequestLayout(request, model.family, options.tokensOf);
  return estimateRequest(
    {
      model,
      layout,
      maxTokens: options.maxTokens ?? model.maxOutput,
      firstQuestion: (request.turns ?? []).length === 0,
      ...(options.taskClass ? { taskClass: options.taskClass } : {}),
    },
    {
      table,
      cache: options.cache ?? new CacheModel(),
      ttl: options.ttl ?? 'auto',
      thinkTimesMs: [],
      nowMs: options.nowMs,
      answers: options.answers ?? PRIORS_ONLY,
      exactInputTokens: options.exactInputTokens ?? null,
    },
  );
}
