import { APIConnectionError, APIConnectionTimeoutError, APIError } from './sdk.js';
import { ApiError } from '../errors.js';

/** What an error message may say about the request that failed (never the key). */
export interface FailureContext {
  baseUrl: string;
  model: string;
  maxRetries: number;
  timeoutMs: number;
  /** Output tokens received before a stream failed, when it had started. */
  outputTokensSoFar: number | null;
  requestId: string | null;
}

const KEY_SHAPED = /sk-ant-[A-Za-z0-9_-]+/g;
const CREDENTIAL_HEADER = /((?:authorization|x-api-key)["']?\s*[:=]\s*["']?)(?:bearer\s+)?[^\s"',;}]+/gi;

/**
 * Removes the API key (and anything shaped like one, or following an auth header name) from text
 * that came from a server or a gateway, which may echo request headers back in an error body.
 */
export function redactKey(text: string, apiKey: string): string {
  let safe = text;
  // A key pasted with a line break in it is redacted piece by piece, since messages are folded to one line.
  for (const piece of [apiKey, ...apiKey.split(/\s+/)]) {
    if (piece.length >= 4) safe = safe.split(piece).join('[redacted]');
  }
  safe = safe.replace(KEY_SHAPED, '[redacted]');
  return safe.replace(CREDENTIAL_HEADER, '$1[redacted]');
}

/** One line a user can act on, for any failure of a Messages API call. Always redacted. */
export function describeFailure(error: unknown, context: FailureContext, apiKey: string): ApiError {
  const { message, status } = classify(error, context);
  const withId = context.requestId && !message.includes(context.requestId) ? `${message} (request-id ${context.requestId})` : message;
  return new ApiError(redactKey(oneLine(withId), apiKey), status);
}

function classify(error: unknown, context: FailureContext): { message: string; status?: number } {
  const retries = `after ${context.maxRetries} ${context.maxRetries === 1 ? 'retry' : 'retries'}`;
  const seconds = `${Math.round(context.timeoutMs / 100) / 10}s`;

  if (error instanceof APIConnectionTimeoutError) {
    return { message: `no response from ${context.baseUrl} within ${seconds} (${retries}); check the network or raise the timeout` };
  }
  if (error instanceof APIConnectionError) {
    return { message: connectionMessage(error, context) };
  }
  if (error instanceof APIError && error.status !== undefined) {
    return { message: statusMessage(error, context, retries), status: error.status };
  }
  if (error instanceof APIError) {
    // An `error` event inside an SSE stream that had already started.
    const type = error.type ?? 'error';
    const tokens = context.outputTokensSoFar ?? 0;
    return { message: `Anthropic ended the stream with ${type} after ${tokens} output tokens: ${serverText(error)}` };
  }
  const text = error instanceof Error ? error.message : String(error);
  if (context.outputTokensSoFar !== null) {
    return { message: `connection dropped after ${context.outputTokensSoFar} output tokens (${text}); the reply is incomplete` };
  }
  return { message: `request to ${context.baseUrl} failed: ${text}` };
}

function statusMessage(error: APIError, context: FailureContext, retries: string): string {
  const status = error.status ?? 0;
  const detail = serverText(error);
  switch (status) {
    case 401:
      return 'Anthropic rejected the API key (401 authentication_error): set a valid key in ANTHROPIC_API_KEY (in VS Code: "Tally: Set Anthropic API Key") and check it is active at console.anthropic.com';
    case 403:
      return `this API key may not use model "${context.model}" (403 ${error.type ?? 'permission_error'}: ${detail}); pick another model or check the key's workspace`;
    case 404:
      return `model "${context.model}" was not found at ${context.baseUrl} (404 ${error.type ?? 'not_found_error'}); check the model id (\`tally prices\` lists known models)`;
    case 429: {
      const after = error.headers?.get('retry-after');
      return `rate limited by Anthropic (429 ${error.type ?? 'rate_limit_error'}) ${retries}${after ? `; it asks to wait ${after}s` : ''}: ${detail}`;
    }
    case 529:
      return `Anthropic is overloaded (529 ${error.type ?? 'overloaded_error'}) ${retries}; try again in a minute or use another model`;
    default:
      if (status >= 500) return `Anthropic API error (${status} ${error.type ?? 'api_error'}) ${retries}: ${detail}`;
      return `Anthropic refused the request (${status} ${error.type ?? 'invalid_request_error'}): ${detail}`;
  }
}

function connectionMessage(error: APIConnectionError, context: FailureContext): string {
  const code = causeCode(error);
  if (code === 'ECONNREFUSED')
    return `cannot connect to ${context.baseUrl}: connection refused (is the server or gateway running? check the base URL)`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `cannot connect to ${context.baseUrl}: host not found (DNS); check the base URL and the network`;
  if (code === 'ECONNRESET') return `connection to ${context.baseUrl} was reset before a reply arrived`;
  return `cannot connect to ${context.baseUrl}${code ? ` (${code})` : ''}: ${innermostMessage(error)}`;
}

/** Node's fetch wraps the socket error: TypeError('fetch failed') with cause { code: 'ECONNREFUSED' }. */
function causeCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function innermostMessage(error: Error): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

const MAX_DETAIL_CHARS = 300;

/** The server's own words, cut short: a gateway may answer with a whole HTML page. */
function serverText(error: APIError): string {
  const text = oneLine(error.apiMessage ?? error.message);
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
