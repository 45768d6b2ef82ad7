import Anthropic from '@anthropic-ai/sdk';
import { ApiError, InputError } from '../errors.js';
import type { Usage } from '../prices/cost.js';
import { bundledPriceTable } from '../prices/priceTable.js';
import type { TokenizerFamily } from '../prices/schema.js';
import { estimateTextTokens } from '../tokens/estimator.js';
import { describeFailure, redactKey, type FailureContext } from './apiErrors.js';

export interface MessagesRequest {
  model: string;
  system?: Anthropic.TextBlockParam[];
  messages: Anthropic.MessageParam[];
  max_tokens: number;
}

export interface StreamCallbacks {
  onText?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface MessagesResult {
  status: 'ok' | 'error' | 'aborted';
  text: string;
  /**
   * Input and cache fields from message_start, output_tokens from the last message_delta; present
   * whenever the stream started, even if it then failed or was cancelled. When it ended before any
   * message_delta, output_tokens is raised to an estimate of the text received (Anthropic bills
   * what it generated, and reports nothing more on a dropped stream).
   */
  usage: Usage | null;
  model: string;
  requestId: string | null;
  stopReason: string | null;
  durationMs: number;
  error: ApiError | null;
}

export interface MessagesClient {
  stream(request: MessagesRequest, callbacks?: StreamCallbacks): Promise<MessagesResult>;
  countTokens(request: Omit<MessagesRequest, 'max_tokens'>): Promise<number>;
}

export interface MessagesClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** Per attempt: the wait for response headers (the SDK's timeout) and the longest silence inside a stream. */
  timeoutMs?: number;
  /** Retries on 408/409/429/5xx/529 and connection failures, with the SDK's back-off and retry-after. */
  maxRetries?: number;
  fetch?: typeof fetch;
  clock?: () => number;
}

export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_RETRIES = 2;

export function createMessagesClient(options: MessagesClientOptions): MessagesClient {
  const apiKey = options.apiKey?.trim() ?? '';
  if (!apiKey) {
    throw new InputError('no Anthropic API key: set ANTHROPIC_API_KEY (in VS Code: "Tally: Set Anthropic API Key")');
  }
  if (/[\s\u0000-\u001f\u007f]/.test(apiKey)) {
    // Never echo any of it: a header cannot carry it, and an error quoting it would leak its tail.
    throw new InputError('the Anthropic API key contains a line break, space or control character; copy it again without them');
  }
  const baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const timeoutMs = positiveOr(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeout');
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new InputError(`max retries must be a whole number ≥ 0, got ${maxRetries}`);
  const clock = options.clock ?? Date.now;

  const sdk = new Anthropic({
    apiKey,
    baseURL: baseUrl,
    timeout: timeoutMs,
    maxRetries,
    logLevel: 'off', // the SDK's own logging could print request details; Tally reports errors itself
    openTelemetry: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  const failure = (error: unknown, context: Omit<FailureContext, 'baseUrl' | 'maxRetries' | 'timeoutMs'>) =>
    describeFailure(error, { ...context, baseUrl, maxRetries, timeoutMs }, apiKey);

  async function stream(request: MessagesRequest, callbacks: StreamCallbacks = {}): Promise<MessagesResult> {
    const started = clock();
    const state = {
      text: '',
      usage: null as Usage | null,
      sawDelta: false,
      model: request.model,
      requestId: null as string | null,
      stopReason: null as string | null,
    };
    const finish = (status: MessagesResult['status'], error: ApiError | null): MessagesResult => ({
      status,
      text: state.text,
      usage: state.usage ? completeUsage(state.usage, state.sawDelta, state.text, state.model) : null,
      model: state.model,
      requestId: state.requestId,
      stopReason: state.stopReason,
      durationMs: Math.max(0, clock() - started),
      error,
    });

    // One controller for the user's cancel and our idle timeout, so both stop the same request.
    const controller = new AbortController();
    let stopCause: 'user' | 'timeout' | 'callback' | null = null;
    let callbackError: unknown;
    // A failing text handler stops the request but still returns a result, so the usage gets recorded.
    const deliver = (delta: string) => {
      try {
        callbacks.onText?.(delta);
      } catch (error) {
        callbackError = error;
        stopCause ??= 'callback';
        controller.abort();
      }
    };
    const onUserAbort = () => {
      stopCause ??= 'user';
      controller.abort();
    };
    if (callbacks.signal?.aborted) return finish('aborted', null);
    callbacks.signal?.addEventListener('abort', onUserAbort, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdleTimer = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        stopCause ??= 'timeout';
        controller.abort();
      }, timeoutMs);
    };

    let completed = false;
    try {
      const { data: events, request_id } = await sdk.messages
        .create({ ...withoutUndefined(request), stream: true }, { signal: controller.signal })
        .withResponse();
      state.requestId = request_id ?? null;
      armIdleTimer();
      for await (const event of events) {
        armIdleTimer();
        switch (event.type) {
          case 'message_start':
            state.model = event.message.model || state.model;
            state.usage = startUsage(event.message.usage);
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') {
              state.text += event.delta.text;
              deliver(event.delta.text);
            }
            break;
          case 'message_delta':
            state.stopReason = event.delta.stop_reason ?? state.stopReason;
            state.usage = mergeDeltaUsage(state.usage, event.usage);
            state.sawDelta = true;
            break;
          case 'message_stop':
            completed = true;
            break;
          default:
            break;
        }
      }
      // A reply that reached message_stop is complete, whatever happens to the connection after it.
      if (completed) return finish('ok', null);
      // The SDK ends iteration quietly when the request is aborted mid-stream.
      if (stopCause) return stopped(stopCause);
      throw new Error('stream ended before message_stop');
    } catch (error) {
      if (completed) return finish('ok', null);
      if (stopCause) return stopped(stopCause);
      if (error instanceof Anthropic.APIError && error.requestID) state.requestId ??= error.requestID;
      const outputTokensSoFar = state.usage ? completeUsage(state.usage, state.sawDelta, state.text, state.model).output_tokens : null;
      return finish('error', failure(error, { model: request.model, outputTokensSoFar, requestId: state.requestId }));
    } finally {
      clearTimeout(idleTimer);
      callbacks.signal?.removeEventListener('abort', onUserAbort);
    }

    function stopped(cause: 'user' | 'timeout' | 'callback'): MessagesResult {
      if (cause === 'user') return finish('aborted', null);
      if (cause === 'timeout') return finish('error', timeoutError());
      const reason = callbackError instanceof Error ? callbackError.message : String(callbackError);
      return finish('error', new ApiError(redactKey(`stopped the request because the text handler failed: ${reason}`, apiKey)));
    }

    function timeoutError(): ApiError {
      const where = state.usage
        ? ` after ${completeUsage(state.usage, state.sawDelta, state.text, state.model).output_tokens} output tokens`
        : '';
      return new ApiError(
        redactKey(
          `no data from ${baseUrl} for ${timeoutMs / 1000}s${where}; the stream timed out (raise the timeout or try again)`,
          apiKey,
        ),
      );
    }
  }

  async function countTokens(request: Omit<MessagesRequest, 'max_tokens'>): Promise<number> {
    try {
      const counted = await sdk.messages.countTokens(
        withoutUndefined({ model: request.model, system: request.system, messages: request.messages }),
      );
      return counted.input_tokens;
    } catch (error) {
      const requestId = error instanceof Anthropic.APIError ? (error.requestID ?? null) : null;
      throw failure(error, { model: request.model, outputTokensSoFar: null, requestId });
    }
  }

  return { stream, countTokens };
}

function startUsage(usage: Anthropic.Usage): Usage {
  const result: Usage = {
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
  };
  if (usage.cache_creation) {
    result.cache_creation = {
      ephemeral_5m_input_tokens: usage.cache_creation.ephemeral_5m_input_tokens,
      ephemeral_1h_input_tokens: usage.cache_creation.ephemeral_1h_input_tokens,
    };
  }
  return result;
}

/** message_delta usage is cumulative; newer servers may repeat input/cache counts there too. */
function mergeDeltaUsage(usage: Usage | null, delta: Anthropic.MessageDeltaUsage): Usage {
  const merged: Usage = { ...(usage ?? { input_tokens: 0, output_tokens: 0 }) };
  merged.output_tokens = delta.output_tokens;
  if (delta.input_tokens != null) merged.input_tokens = delta.input_tokens;
  if (delta.cache_creation_input_tokens != null) merged.cache_creation_input_tokens = delta.cache_creation_input_tokens;
  if (delta.cache_read_input_tokens != null) merged.cache_read_input_tokens = delta.cache_read_input_tokens;
  // Keep the TTL split in step with the total it splits.
  const split = (delta as { cache_creation?: Usage['cache_creation'] }).cache_creation;
  if (split) merged.cache_creation = split;
  return merged;
}

function completeUsage(usage: Usage, sawDelta: boolean, text: string, model: string): Usage {
  if (sawDelta) return usage;
  return { ...usage, output_tokens: Math.max(usage.output_tokens, estimateTextTokens(text, familyOf(model))) };
}

let families: Map<string, TokenizerFamily> | undefined;
function familyOf(model: string): TokenizerFamily {
  families ??= new Map(bundledPriceTable().models.map((info) => [info.id, info.family]));
  return families.get(model) ?? 'v5';
}

function checkBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`base URL "${raw}" is not a URL (expected e.g. ${DEFAULT_BASE_URL} or http://localhost:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`base URL "${raw}" must start with http:// or https://`);
  if (url.username || url.password) throw new InputError('base URL must not contain a user name or password');
  return raw.replace(/\/+$/, '');
}

function positiveOr(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new InputError(`${name} must be a positive number of milliseconds, got ${value}`);
  return value;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
