import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { Messages } from '@anthropic-ai/sdk/resources/messages/messages';

// Tally uses one resource of the API, Messages (create, stream, count_tokens). `import Anthropic`
// would bundle every resource (about 420 KB minified, downloaded by every user of the extension);
// the base client with only the messages resource is what runs.

export { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk/core/error';
export type { MessageDeltaUsage, MessageParam, TextBlockParam, Usage } from '@anthropic-ai/sdk/resources/messages/messages';

/** The SDK client with only the Messages API on it. */
export class MessagesApi extends BaseAnthropic {
  messages: Messages = new Messages(this);
}
