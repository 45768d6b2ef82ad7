// A Messages request body as the gateway reads it: loosely typed (clients send fields Tally does
// not know, and must get them through unchanged), walked block by block for estimates and caching.
import type { TokenizerFamily } from '../core/prices/schema.js';
import { estimateTextTokens, messageFrameTokens } from '../core/tokens/estimator.js';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JSON object of a request body, or null when it is not one (the upstream will say why). */
export function parseBody(raw: Buffer): Json | null {
  if (raw.length === 0) return null;
  try {
    const body: unknown = JSON.parse(raw.toString('utf8'));
    return isObject(body) ? body : null;
  } catch {
    return null;
  }
}

export interface MessageLike {
  role: string;
  content: unknown;
}

export function messagesOf(body: Json): MessageLike[] {
  const messages = body['messages'];
  return Array.isArray(messages) ? messages.filter((m): m is MessageLike => isObject(m) && typeof m['role'] === 'string') : [];
}

/** A message's content as blocks (a string is one text block). */
export function contentBlocks(content: unknown): Json[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

/** The user's own words in the last user message that has any (tool results are not a question). */
export function lastUserText(body: Json): string {
  const messages = messagesOf(body);
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'user') continue;
    const text = contentBlocks(message.content)
      .filter((block) => block['type'] === 'text' && typeof block['text'] === 'string')
      .map((block) => block['text'] as string)
      .join('\n');
    if (text.trim() !== '') return text;
  }
  return '';
}

/** Images are billed by size (at most about 1,600 tokens for the largest the API keeps). */
const IMAGE_TOKENS = 1600;
/** A PDF page is billed as its text plus an image: about 1,500 to 3,000 tokens a page. */
const PDF_TOKENS_PER_DECODED_BYTE = 1 / 20;
const MIN_DOCUMENT_TOKENS = 3000;

export type BlockArea = 'system' | 'history' | 'turn';

/** One block of the request in the order the API caches it: tools, system, messages. */
export interface RequestBlock {
  area: BlockArea;
  role: 'system' | 'user' | 'assistant';
  /** What the block's tokens are estimated from (its text, or its JSON without binary data). */
  text: string;
  /** Tokens of binary content (images, PDFs), counted apart from the text. */
  extraTokens: number;
  /** The object that would carry `cache_control`, with how to reach it; null when it cannot carry one. */
  place: ((cacheControl: Json) => void) | null;
  hasCacheControl: boolean;
}

/**
 * Flattens tools, system and messages into blocks. `place` puts a cache_control on the block,
 * turning a string system prompt or string content into a one-block list first.
 */
export function requestBlocks(body: Json): RequestBlock[] {
  const blocks: RequestBlock[] = [];
  const tools = Array.isArray(body['tools']) ? body['tools'].filter(isObject) : [];
  for (const tool of tools) {
    const { cache_control: cc, ...rest } = tool;
    blocks.push({
      area: 'system',
      role: 'system',
      text: JSON.stringify(rest),
      extraTokens: 0,
      place: (cacheControl) => void (tool['cache_control'] = cacheControl),
      hasCacheControl: cc !== undefined && cc !== null,
    });
  }
  const system = body['system'];
  if (typeof system === 'string') {
    if (system !== '') {
      blocks.push({
        area: 'system',
        role: 'system',
        text: system,
        extraTokens: 0,
        place: (cacheControl) => void (body['system'] = [{ type: 'text', text: system, cache_control: cacheControl }]),
        hasCacheControl: false,
      });
    }
  } else if (Array.isArray(system)) {
    for (const block of system.filter(isObject)) blocks.push(contentBlock(block, 'system', 'system'));
  }
  const messages = messagesOf(body);
  messages.forEach((message, index) => {
    const area: BlockArea = index === messages.length - 1 ? 'turn' : 'history';
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    if (typeof message.content === 'string') {
      const text = message.content;
      if (text === '') return;
      blocks.push({
        area,
        role,
        text,
        extraTokens: 0,
        place: (cacheControl) => void (message.content = [{ type: 'text', text, cache_control: cacheControl }]),
        hasCacheControl: false,
      });
      return;
    }
    for (const block of contentBlocks(message.content)) blocks.push(contentBlock(block, area, role));
  });
  return blocks;
}

/** Blocks that cannot carry a breakpoint: thinking (the API refuses cache_control on them) and empty text. */
function cacheable(block: Json): boolean {
  const type = block['type'];
  if (type === 'thinking' || type === 'redacted_thinking') return false;
  return type !== 'text' || (typeof block['text'] === 'string' && block['text'] !== '');
}

function contentBlock(block: Json, area: BlockArea, role: RequestBlock['role']): RequestBlock {
  const { text, extraTokens } = blockText(block);
  return {
    area,
    role,
    text,
    extraTokens,
    place: cacheable(block) ? (cacheControl) => void (block['cache_control'] = cacheControl) : null,
    hasCacheControl: block['cache_control'] !== undefined && block['cache_control'] !== null,
  };
}

function blockText(block: Json): { text: string; extraTokens: number } {
  switch (block['type']) {
    case 'text':
      return { text: String(block['text'] ?? ''), extraTokens: 0 };
    case 'thinking':
      return { text: String(block['thinking'] ?? ''), extraTokens: 0 };
    case 'image':
      return { text: '', extraTokens: IMAGE_TOKENS };
    case 'document':
      return documentText(block);
    case 'tool_result': {
      const parts = contentBlocks(block['content']).map(blockText);
      return { text: parts.map((part) => part.text).join('\n'), extraTokens: parts.reduce((sum, part) => sum + part.extraTokens, 0) };
    }
    default: {
      const { cache_control: _cc, ...rest } = block;
      return { text: JSON.stringify(rest), extraTokens: 0 };
    }
  }
}

function documentText(block: Json): { text: string; extraTokens: number } {
  const source = isObject(block['source']) ? block['source'] : {};
  if (typeof source['data'] === 'string' && source['type'] === 'text') return { text: source['data'], extraTokens: 0 };
  if (typeof source['data'] === 'string') {
    const decodedBytes = Math.floor((source['data'].length * 3) / 4);
    return { text: '', extraTokens: Math.max(MIN_DOCUMENT_TOKENS, Math.ceil(decodedBytes * PDF_TOKENS_PER_DECODED_BYTE)) };
  }
  const content = contentBlocks(source['content']).map(blockText);
  return { text: content.map((part) => part.text).join('\n'), extraTokens: content.reduce((sum, part) => sum + part.extraTokens, 0) };
}

/** Tokens of each block on `family`, with the per-request frame, as Tally estimates them. */
export function blockTokens(blocks: readonly RequestBlock[], family: TokenizerFamily): number[] {
  return blocks.map((block) => (block.text === '' ? 0 : estimateTextTokens(block.text, family)) + block.extraTokens);
}

/** Tally's estimate of the whole prompt: the frame plus every block. */
export function estimatePromptTokens(body: Json, family: TokenizerFamily): number {
  return messageFrameTokens(family) + blockTokens(requestBlocks(body), family).reduce((sum, tokens) => sum + tokens, 0);
}
