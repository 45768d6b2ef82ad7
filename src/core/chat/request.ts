import type { MessageParam, TextBlockParam } from '../anthropic/sdk.js';
import type { MessagesRequest } from '../anthropic/client.js';
import type { Breakpoint, PromptLayout } from '../cache/planner.js';

/** The Messages API request for a laid-out prompt, with cache_control on the planned blocks. */
export function buildMessagesRequest(
  model: string,
  layout: PromptLayout,
  breakpoints: readonly Breakpoint[],
  maxTokens: number,
): MessagesRequest {
  const ttlAt = new Map(breakpoints.map((bp) => [bp.index, bp.ttl]));
  const system: TextBlockParam[] = [];
  const messages: MessageParam[] = [];
  layout.blocks.forEach((block, index) => {
    const ttl = ttlAt.get(index);
    const text: TextBlockParam = {
      type: 'text',
      text: block.text,
      ...(ttl ? { cache_control: { type: 'ephemeral', ttl } } : {}),
    };
    if (block.role === 'system') {
      system.push(text);
      return;
    }
    const previous = messages.at(-1);
    if (previous && previous.role === block.role && Array.isArray(previous.content)) previous.content.push(text);
    else messages.push({ role: block.role, content: [text] });
  });
  return { model, max_tokens: maxTokens, messages, ...(system.length > 0 ? { system } : {}) };
}
