import {
  APIConnectionTimeoutError,
  APIError,
  MessagesApi,
  type MessageParam,
  type TextBlockParam,
  type ToolChoice,
  type ToolUnion,
} from './sdk.js';
import { ApiError, InputError } from '../errors.js';
import type { Usage } from '../prices/cost.js';
import { bundledPriceTable } from '../prices/priceTable.js';
import type { TokenizerFamily } from '../prices/schema.js';
import { estimateTextTokens, messageFrameTokens } from '../tokens/estimator.js';
import { describeFailure, redactKey, type FailureContext } from './apiErrors.js';
import { StreamUsage } from './usage.js';

export interface MessagesRequest {
  model: string;
  system?: TextBlockParam[];
  messages: MessageParam[];
  max_tokens: number;
  /** Tools the model may call; a call comes back as a ToolUse (onToolUse, `toolUses`). */
  tools?: ToolUnion[];
  tool_choice?: ToolChoice;
}

/** A tool call the model made, once its input JSON has arrived whole. */
export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface StreamCallbacks {
  onText?: (delta: string) => void;
  /** Each tool call, when its content block ends (its input is streamed in pieces before that). */
  onToolUse?: (call: ToolUse) => void;
  signal?: AbortSignal;
}

export interface MessagesResult {
  status: 'ok' | 'error' | 'aborted';
  text: string;
  /** The tool calls the reply made, in order (complete ones only). */
  toolUses: ToolUse[];
  /**
   * What to record, present whenever the server answered (null only when the request never reached
   * it). A stream's usage: input and cache fields from message_start, output_tokens from the last
   * message_delta; when it ended before any message_delta, output_tokens is raised to an estimate of
   * the text received. A usage report that is missing or not sane is replaced by Tally's estimate
   * (`usageEstimated`). An HTTP error status is not billed: zero tokens.
   */
  usage: Usage | null;
  usageEstimated: boolean;
  /** Why the server's usage could not be used, when `usageEstimated`. */
  usageProblem: string | null;
  model: string;
  /** The API's message id (msg_...), from message_start. */
  messageId: string | null;
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

  const sdk = new MessagesApi({
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
      usage: new StreamUsage(),
      /** The server answered with an error status: not billed, recorded at zero tokens. */
      rejected: false,
      model: request.model,
      messageId: null as string | null,
      requestId: null as string | null,
      stopReason: null as string | null,
      toolUses: [] as ToolUse[],
      /** The tool_use block being streamed, by content block index. */
      openTool: null as { index: number; id: string; name: string; json: string } | null,
      /** Tool names and input JSON received, for an output estimate when usage cannot be used. */
      toolText: '',
    };
    const estimate = () => ({
      inputTokens: requestInputEstimate(request, familyOf(state.model)),
      outputTokens: estimateTextTokens(state.text + state.toolText, familyOf(state.model)),
    });
    const finish = (status: MessagesResult['status'], error: ApiError | null): MessagesResult => {
      const reading = state.usage.started ? state.usage.reading(estimate) : null;
      return {
        status,
        text: state.text,
        toolUses: state.toolUses,
        usage: reading?.usage ?? (state.rejected ? { input_tokens: 0, output_tokens: 0 } : null),
        usageEstimated: reading?.estimated ?? false,
        usageProblem: reading?.problem ?? null,
        model: state.model,
        messageId: state.messageId,
        requestId: state.requestId,
        stopReason: state.stopReason,
        durationMs: Math.max(0, clock() - started),
        error,
      };
    };

    // One controller for the user's cancel and our idle timeout, so both stop the same request.
    const controller = new AbortController();
    let stopCause: 'user' | 'timeout' | 'callback' | null = null;
    let callbackError: unknown;
    // A failing text handler stops the request but still returns a result, so the usage gets recorded.
    const guarded = (call: () => void) => {
      try {
        call();
      } catch (error) {
        callbackError = error;
        stopCause ??= 'callback';
        controller.abort();
      }
    };
    const deliver = (delta: string) => guarded(() => callbacks.onText?.(delta));
    const closeTool = () => {
      const open = state.openTool;
      if (!open) return;
      state.openTool = null;
      const call: ToolUse = { id: open.id, name: open.name, input: parseToolInput(open.json) };
      state.toolUses.push(call);
      guarded(() => callbacks.onToolUse?.(call));
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
      const { data: events, request_id } = await sdk.streamMessage(withoutUndefined(request), { signal: controller.signal }).withResponse();
      state.requestId = request_id ?? null;
      armIdleTimer();
      for await (const event of events) {
        armIdleTimer();
        switch (event.type) {
          case 'message_start':
            state.model = event.message?.model || state.model;
            state.messageId = event.message?.id ?? null;
            state.usage.start(event.message?.usage);
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') {
              const block = event.content_block;
              state.openTool = { index: event.index, id: block.id, name: block.name, json: '' };
              state.toolText += block.name;
            }
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') {
              state.text += event.delta.text;
              deliver(event.delta.text);
            } else if (event.delta.type === 'input_json_delta' && state.openTool?.index === event.index) {
              state.openTool.json += event.delta.partial_json;
              state.toolText += event.delta.partial_json;
            }
            break;
          case 'content_block_stop':
            if (state.openTool?.index === event.index) closeTool();
            break;
          case 'message_delta':
            state.stopReason = event.delta?.stop_reason ?? state.stopReason;
            state.usage.delta(event.usage);
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
      if (error instanceof APIError && error.requestID) state.requestId ??= error.requestID;
      // An error status before any stream: the server answered and did not bill (a stream's own error events have no status).
      if (error instanceof APIError && error.status !== undefined && !state.usage.started) state.rejected = true;
      if (error instanceof APIConnectionTimeoutError) {
        state.usage.unanswered(`no response within ${timeoutMs / 1000}s, so the server may have processed the request`);
      }
      const outputTokensSoFar = state.usage.started ? state.usage.reading(estimate).usage.output_tokens : null;
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
      const where = state.usage.started ? ` after ${state.usage.reading(estimate).usage.output_tokens} output tokens` : '';
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
      const counted = await sdk.countMessageTokens(
        withoutUndefined({ model: request.model, system: request.system, messages: request.messages }),
      );
      return counted.input_tokens;
    } catch (error) {
      const requestId = error instanceof APIError ? (error.requestID ?? null) : null;
      throw failure(error, { model: request.model, outputTokensSoFar: null, requestId });
    }
  }

  return { stream, countTokens };
}

/** A tool call's streamed input: `{}` when none came; a non-object or broken JSON is kept under `_raw` rather than lost. */
function parseToolInput(json: string): Record<string, unknown> {
  if (json.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { _raw: json };
  } catch {
    return { _raw: json };
  }
}

/** Tally's own count of what a request sends, for when the server's usage cannot be used. */
function requestInputEstimate(request: MessagesRequest, family: TokenizerFamily): number {
  const texts: string[] = (request.system ?? []).map((block) => block.text);
  for (const message of request.messages) {
    if (typeof message.content === 'string') texts.push(message.content);
    else
      for (const block of message.content)
        texts.push('text' in block && typeof block.text === 'string' ? block.text : JSON.stringify(block));
  }
  return messageFrameTokens(family) + texts.reduce((sum, text) => sum + estimateTextTokens(text, family), 0);
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
