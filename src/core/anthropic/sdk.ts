import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import type { APIPromise } from '@anthropic-ai/sdk/core/api-promise';
import type { Stream } from '@anthropic-ai/sdk/core/streaming';
import type { MessageTokensCount, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';

// Tally calls two endpoints of the API: streaming Messages and count_tokens. `import Anthropic`
// bundles every resource (about 420 KB minified, downloaded by every user of the extension); the
// base client (auth, retries honouring retry-after, timeouts, SSE parsing, typed errors) with these
// two calls is what runs (about 106 KB).

export { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk/core/error';
export type {
  ContentBlockParam,
  MessageDeltaUsage,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice,
  ToolUnion,
  Usage,
} from '@anthropic-ai/sdk/resources/messages/messages';

/** The SDK's base client with the two calls Tally makes. */
export class MessagesApi extends BaseAnthropic {
  /** POST /v1/messages with `stream: true`: the server-sent events as they arrive. */
  streamMessage(body: object, options: { signal: AbortSignal }): APIPromise<Stream<RawMessageStreamEvent>> {
    return this.post('/v1/messages', { body: { ...body, stream: true }, stream: true, signal: options.signal });
  }

  /** POST /v1/messages/count_tokens (free): the request's input tokens as the server counts them. */
  countMessageTokens(body: object): APIPromise<MessageTokensCount> {
    return this.post('/v1/messages/count_tokens', { body });
  }
}
