// VS Code's language-model messages as an Anthropic Messages request, and back. Pure: parts are
// recognised by their shape (VS Code hands the provider plain objects as well as its own classes),
// so this runs, and is tested, without the editor.
import type { ContentBlockParam, MessageParam, TextBlockParam, Tool, ToolChoice } from '../../core/anthropic/sdk.js';

/** LanguageModelChatMessageRole: User = 1, Assistant = 2, System = 3 (sent by VS Code's own chat). */
export const LM_ROLE = { user: 1, assistant: 2, system: 3 } as const;

export interface LmMessage {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
}

export interface LmTool {
  name: string;
  description: string;
  inputSchema?: object | undefined;
}

/** LanguageModelChatToolMode: Auto = 1, Required = 2. */
export const LM_TOOL_MODE = { auto: 1, required: 2 } as const;

export interface AnthropicConversation {
  system: TextBlockParam[];
  messages: MessageParam[];
}

/** Image types the Messages API takes. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** The system prompt and the user/assistant turns, with tool calls as tool_use and their results as tool_result. */
export function toAnthropicConversation(messages: readonly LmMessage[]): AnthropicConversation {
  const system: TextBlockParam[] = [];
  const turns: MessageParam[] = [];
  for (const message of messages) {
    if (message.role === LM_ROLE.system) {
      for (const part of message.content) {
        const text = textOf(part);
        if (text) system.push({ type: 'text', text });
      }
      continue;
    }
    const role = message.role === LM_ROLE.assistant ? 'assistant' : 'user';
    const blocks = message.content.flatMap((part) => contentBlocks(part, role));
    if (blocks.length === 0) continue;
    const previous = turns.at(-1);
    // The API wants turns to alternate: consecutive messages of one role are one turn.
    if (previous && previous.role === role) (previous.content as ContentBlockParam[]).push(...blocks);
    else turns.push({ role, content: blocks });
  }
  for (const turn of turns) {
    // A user turn's tool results come before its text, as the API requires after a tool_use.
    if (turn.role === 'user') {
      const blocks = turn.content as ContentBlockParam[];
      turn.content = [...blocks.filter((b) => b.type === 'tool_result'), ...blocks.filter((b) => b.type !== 'tool_result')];
    }
  }
  return { system, messages: turns };
}

function contentBlocks(part: unknown, role: 'user' | 'assistant'): ContentBlockParam[] {
  if (!isObject(part)) return typeof part === 'string' && part ? [{ type: 'text', text: part }] : [];
  if (typeof part['callId'] === 'string' && typeof part['name'] === 'string' && 'input' in part) {
    if (role !== 'assistant') return [];
    const input = isObject(part['input']) && !Array.isArray(part['input']) ? (part['input'] as Json) : {};
    return [{ type: 'tool_use', id: part['callId'], name: part['name'], input }];
  }
  if (typeof part['callId'] === 'string' && Array.isArray(part['content'])) {
    const content = part['content'].flatMap(resultBlock);
    return [
      {
        type: 'tool_result',
        tool_use_id: part['callId'],
        content: content.length > 0 ? content : [{ type: 'text', text: '(no output)' }],
      },
    ];
  }
  const image = imageBlock(part);
  if (image) return [image];
  const text = textOf(part);
  return text ? [{ type: 'text', text }] : [];
}

/** What a tool result carries: text, images, and anything else as its JSON. */
function resultBlock(part: unknown): Array<Extract<ContentBlockParam, { type: 'text' | 'image' }>> {
  const image = imageBlock(part);
  if (image) return [image];
  const text = textOf(part) ?? (isObject(part) && 'value' in part ? JSON.stringify(part['value']) : null);
  return text ? [{ type: 'text', text }] : [];
}

function imageBlock(part: unknown): Extract<ContentBlockParam, { type: 'image' }> | null {
  if (!isObject(part) || typeof part['mimeType'] !== 'string' || !(part['data'] instanceof Uint8Array)) return null;
  const mediaType = part['mimeType'].toLowerCase();
  if (!IMAGE_TYPES.has(mediaType)) return null;
  return {
    type: 'image',
    source: {
      type: 'base64',
      media_type: mediaType as 'image/png',
      data: Buffer.from(part['data']).toString('base64'),
    },
  };
}

/** Text of a text part, or of a text-like data part; null for anything else (e.g. VS Code's cache markers). */
export function textOf(part: unknown): string | null {
  if (typeof part === 'string') return part || null;
  if (!isObject(part)) return null;
  if (typeof part['value'] === 'string' && !('callId' in part)) return part['value'] || null;
  if (typeof part['mimeType'] === 'string' && part['data'] instanceof Uint8Array) {
    const type = part['mimeType'].toLowerCase();
    if (type.startsWith('text/') || type === 'application/json') return Buffer.from(part['data']).toString('utf8') || null;
  }
  return null;
}

/** VS Code's tool definitions as the API's, and its tool mode as tool_choice. */
export function toAnthropicTools(
  tools: readonly LmTool[] | undefined,
  toolMode: number | undefined,
): { tools?: Tool[]; tool_choice?: ToolChoice } {
  if (!tools || tools.length === 0) return {};
  const mapped: Tool[] = tools.map((tool) => ({
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    input_schema: (tool.inputSchema as Tool['input_schema'] | undefined) ?? { type: 'object', properties: {} },
  }));
  if (toolMode !== LM_TOOL_MODE.required) return { tools: mapped };
  // Required: one tool means that tool; several mean any of them.
  const tool_choice: ToolChoice = mapped.length === 1 ? { type: 'tool', name: mapped[0]!.name } : { type: 'any' };
  return { tools: mapped, tool_choice };
}

/** Everything a message says, as text, for counting its tokens (tool calls as name and input JSON). */
export function messageText(message: LmMessage): string {
  return message.content
    .map((part) => {
      const text = textOf(part);
      if (text !== null) return text;
      if (!isObject(part)) return '';
      if (typeof part['name'] === 'string' && 'input' in part) return `${part['name']} ${JSON.stringify(part['input'])}`;
      if (Array.isArray(part['content'])) return part['content'].map((inner) => textOf(inner) ?? '').join('\n');
      return '';
    })
    .join('\n');
}
