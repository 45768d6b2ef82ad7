/**
 * Tally's one estimate of what a request will cost, used by every surface (CLI, status bar, chat
 * draft, engine, router, gateway, VS Code's chat):
 *
 *   const layout = plainRequestLayout({ system, context, message }, model.family);   // or conversation.layout(...)
 *   const estimate = estimateRequest({ model, layout, maxTokens, firstQuestion: true }, { table, cache, ttl, thinkTimesMs, nowMs, answers });
 *   estimate.next.usd.total;      // as it will be billed now (exact on the input side given count_tokens)
 *   estimate.usd.low / .high;     // with a short or long answer (learned from this user's answers)
 *   estimate.firstSend, .warmResend, .noCache;
 */
export { calibrateLayout } from './calibrate.js';
export { contentHash, ExactTokenCounts, requestKey } from './exactCounts.js';
export type { CountableRequest, CountTokens, ExactCountOptions, Scheduler } from './exactCounts.js';
export { plainRequestLayout } from './layout.js';
export type { PlainRequest } from './layout.js';
export { answerLengthsFrom, fixedAnswerLength, HISTORY_WINDOW, MIN_HISTORY, priorRange } from './output.js';
export { estimatePlainRequest } from './plain.js';
export type { PlainEstimateOptions } from './plain.js';
export type { AnswerLengths, OutputRange, PastAnswer } from './output.js';
export { estimateRequest } from './request.js';
export type { EstimateContext, RequestEstimate, RequestShape } from './request.js';
export { priceScenario, requestSplit } from './scenario.js';
export { TokenMemo } from './tokenMemo.js';
export type { Scenario } from './scenario.js';
