// The fake's reading of a Messages request: validation with the real API's error wording where
// Tally can trip over it, and the prompt flattened into blocks (tools → system → messages), the
// unit prompt caching works in.
import * as v from 'valibot';
import { bundledPriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo, TokenizerFamily } from '../core/prices/schema.js';
import { estimateTextTokens, messageFrameTokens } from '../core/tokens/estimator.js';

export type Ttl = '5m' | '1h';

export interface PromptBlock {
  /** Canonical content (cache_control removed): what the cache key is made of. */
  canonical: string;
  tokens: number;
  /** Set when the block carries a cache_control breakpoint. */
  breakpoint: Ttl | null;
}

export interface ParsedPrompt {
  model: ModelInfo;
  blocks: PromptBlock[];
  /** Every input token: the message frame plus each block. */
  totalTokens: number;
  /** Tokens before the first block (the frame), part of every cached prefix. */
  frameTokens: number;
  lastUserText: string;
  /** Names of the tools the request offers (a scripted tool_use needs its tool offered). */
  toolNames: Set<string>;
  maxTokens: number;
  stream: boolean;
}

/** A request the real API would refuse: HTTP status, error type, message. */
export class RequestRejection extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const CacheControl = v.looseObject({ type: v.literal('ephemeral'), ttl: v.optional(v.string()) });
const Block = v.looseObject({ type: v.string(), cache_control: v.optional(v.nullable(CacheControl)) });
const Content = v.union([v.string(), v.array(Block)]);
// SDK 1.x also sends system messages inside `messages` (role 'system').
const Message = v.looseObject({ role: v.picklist(['user', 'assistant', 'system']), content: Content });
const RequestBody = v.looseObject({
  model: v.pipe(v.string(), v.nonEmpty()),
  max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  messages: v.pipe(v.array(Message), v.minLength(1)),
  system: v.optional(v.union([v.string(), v.array(Block)])),
  tools: v.optional(v.array(v.looseObject({ name: v.string(), cache_control: v.optional(v.nullable(CacheControl)) }))),
  stream: v.optional(v.boolean()),
});
type Body = v.InferOutput<typeof RequestBody>;
type BlockInput = v.InferOutput<typeof Block>;

const table = bundledPriceTable();

export function findModel(name: string): ModelInfo | undefined {
  return table.models.find((model) => model.id === name || model.aliases.includes(name));
}

/** Parses a /v1/messages (or count_tokens, without max_tokens) body, or throws a RequestRejection. */
export function parsePrompt(raw: unknown, endpoint: 'messages' | 'count_tokens'): ParsedPrompt {
  const result = v.safeParse(RequestBody, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
    throw new RequestRejection(400, 'invalid_request_error', `${path || 'body'}: ${issue.message}`);
  }
  const body = result.output;
  if (endpoint === 'messages' && body.max_tokens === undefined) {
    throw new RequestRejection(400, 'invalid_request_error', 'max_tokens: Field required');
  }
  const model = findModel(body.model);
  if (!model) throw new RequestRejection(404, 'not_found_error', `model: ${body.model}`);

  checkToolPairs(body);
  const blocks = flatten(body, model);
  checkBreakpoints(blocks);
  const frameTokens = messageFrameTokens(model.family);
  return {
    model,
    blocks,
    frameTokens,
    totalTokens: frameTokens + blocks.reduce((sum, block) => sum + block.tokens, 0),
    lastUserText: lastUserText(body),
    toolNames: new Set((body.tools ?? []).map((tool) => tool.name)),
    maxTokens: body.max_tokens ?? 0,
    stream: body.stream ?? false,
  };
}

function flatten(body: Body, model: ModelInfo): PromptBlock[] {
  const blocks: PromptBlock[] = [];
  // `scope` (section, message index and role) is part of the cache key: the same text as another role is another prompt.
  const add = (where: string, scope: string, input: BlockInput | string) => {
    if (typeof input === 'string') {
      blocks.push(makeBlock(where, scope, { type: 'text', text: input }, model));
      return;
    }
    if (input.type === 'text' && (typeof input['text'] !== 'string' || input['text'] === '')) {
      throw new RequestRejection(400, 'invalid_request_error', `${where}: text content blocks must be non-empty`);
    }
    blocks.push(makeBlock(where, scope, input, model));
  };
  body.tools?.forEach((tool, index) => add(`tools.${index}`, 'tools', { ...tool, type: 'tool' }));
  if (typeof body.system === 'string') {
    if (body.system !== '') add('system', 'system', body.system);
  } else {
    body.system?.forEach((block, index) => add(`system.${index}`, 'system', block));
  }
  body.messages.forEach((message, index) => {
    const isFinalAssistant = index === body.messages.length - 1 && message.role === 'assistant';
    const empty = typeof message.content === 'string' ? message.content === '' : message.content.length === 0;
    if (empty && !isFinalAssistant) {
      throw new RequestRejection(
        400,
        'invalid_request_error',
        `messages.${index}: all messages must have non-empty content except for the optional final assistant message`,
      );
    }
    const scope = `messages.${index}.${message.role}`;
    if (typeof message.content === 'string') {
      if (message.content !== '') add(`messages.${index}.content`, scope, message.content);
    } else {
      message.content.forEach((block, blockIndex) => add(`messages.${index}.content.${blockIndex}`, scope, block));
    }
  });
  return blocks;
}

function makeBlock(where: string, scope: string, input: BlockInput, model: ModelInfo): PromptBlock {
  const { cache_control: cacheControl, ...content } = input;
  let breakpoint: Ttl | null = null;
  if (cacheControl) {
    const ttl = cacheControl.ttl ?? '5m';
    if (ttl !== '5m' && ttl !== '1h') {
      throw new RequestRejection(400, 'invalid_request_error', `${where}.cache_control.ttl: Input should be '5m' or '1h'`);
    }
    breakpoint = ttl;
  }
  const text = content.type === 'text' ? String(content['text']) : JSON.stringify(content);
  return { canonical: JSON.stringify([scope, content]), tokens: simulatedTokenCount(text, model.family), breakpoint };
}

// Conversations resend the same long blocks every turn; counting each once keeps the fake quick.
const counted = new Map<string, number>();
const MAX_COUNTED = 10_000;

/**
 * The simulated tokenizer. Claude's is not public, and Tally's offline estimate is off by a few
 * percent per text either way; so is this one: the estimate scaled by a factor from 0.95 to 1.05
 * fixed by the text's hash. Clients therefore see what they see with the real API: their own
 * estimate differs from the bill, and only count_tokens (which uses this too) tells them exactly.
 */
export function simulatedTokenCount(text: string, family: TokenizerFamily): number {
  const key = `${family}\u0000${text}`;
  let tokens = counted.get(key);
  if (tokens === undefined) {
    tokens = Math.round(estimateTextTokens(text, family) * (0.95 + 0.1 * unitHash(text)));
    if (counted.size >= MAX_COUNTED) counted.clear();
    counted.set(key, tokens);
  }
  return tokens;
}

/** A number in [0, 1) fixed by the text (FNV-1a). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}

const MAX_BREAKPOINTS = 4;

function checkBreakpoints(blocks: PromptBlock[]): void {
  const ttls = blocks.flatMap((block) => (block.breakpoint ? [block.breakpoint] : []));
  if (ttls.length > MAX_BREAKPOINTS) {
    throw new RequestRejection(
      400,
      'invalid_request_error',
      `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${ttls.length}.`,
    );
  }
  const firstShort = ttls.indexOf('5m');
  if (firstShort !== -1 && ttls.indexOf('1h', firstShort) !== -1) {
    throw new RequestRejection(
      400,
      'invalid_request_error',
      "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.",
    );
  }
}

const blockIds = (content: Body['messages'][number]['content'], type: string, key: string): string[] =>
  typeof content === 'string' ? [] : content.flatMap((block) => (block.type === type ? [String(block[key])] : []));

/** Every tool_use is answered by a tool_result in the next message (system messages aside), and only those: the real API's 400s. */
function checkToolPairs(body: Body): void {
  const turns = body.messages.map((message, index) => ({ message, index })).filter(({ message }) => message.role !== 'system');
  turns.forEach(({ message, index }, turn) => {
    const previous = turns[turn - 1];
    const asked = previous?.message.role === 'assistant' ? new Set(blockIds(previous.message.content, 'tool_use', 'id')) : new Set();
    const unexpected = blockIds(message.content, 'tool_result', 'tool_use_id').filter((id) => !asked.has(id));
    if (message.role === 'user' && unexpected.length > 0) {
      throw new RequestRejection(
        400,
        'invalid_request_error',
        `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
      );
    }
    if (message.role !== 'assistant') return;
    const next = turns[turn + 1];
    if (!next) return; // a final assistant message is a prefill
    const answered = new Set(next.message.role === 'user' ? blockIds(next.message.content, 'tool_result', 'tool_use_id') : []);
    const missing = blockIds(message.content, 'tool_use', 'id').filter((id) => !answered.has(id));
    if (missing.length > 0) {
      throw new RequestRejection(
        400,
        'invalid_request_error',
        `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
    }
  });
}

function lastUserText(body: Body): string {
  for (let index = body.messages.length - 1; index >= 0; index--) {
    const message = body.messages[index]!;
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.map((block) => (block.type === 'text' ? String(block['text'] ?? '') : '')).join('\n');
  }
  return '';
}
