import type { PromptLayout } from '../cache/planner.js';
import { Conversation, type ContextFile } from '../chat/conversation.js';
import type { TokenizerFamily } from '../prices/schema.js';
import { estimateTextTokens, messageFrameTokens } from '../tokens/estimator.js';

/** A request given as parts rather than as a conversation: `tally estimate`, a selection, a draft. */
export interface PlainRequest {
  system?: string;
  context?: readonly ContextFile[];
  /** Earlier turns, oldest first. */
  turns?: readonly { user: string; assistant: string }[];
  message: string;
}

/**
 * The blocks this request is sent as, in the order the chat engine sends them (so it is priced and
 * cached as the engine would send it), counted with `tokensOf` (default: the offline estimate).
 */
export function plainRequestLayout(
  request: PlainRequest,
  family: TokenizerFamily,
  tokensOf: (text: string) => number = (text) => estimateTextTokens(text, family),
): PromptLayout {
  const conversation = new Conversation('estimate', request.system ?? '', request.context ?? []);
  for (const turn of request.turns ?? []) conversation.addTurn(turn.user, turn.assistant, 0);
  return conversation.layout(request.message, tokensOf, messageFrameTokens(family));
}
