// Deterministic replies: a sentence and a fenced code block, sized in output tokens, so tests can
// control length and content. `[[reply:TEXT]]` in the last user message replies exactly TEXT;
// `[[tokens:N]]` asks for a reply of N output tokens. A scripted reply (script.ts) gives the content
// blocks, text and tool_use, outright.
import type { TokenizerFamily } from '../core/prices/schema.js';
import { estimateTextTokens } from '../core/tokens/estimator.js';
import { plausibleAnswer } from './plausible.js';
import type { ScriptedBlock } from './script.js';

export const DEFAULT_REPLY_TOKENS = 80;
const DELTA_CODE_POINTS = 12;

/** A content block of the reply; `deltas` is its text (text_delta) or its input JSON (input_json_delta) in pieces. */
export type ReplyBlock =
  | { type: 'text'; text: string; deltas: string[] }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; deltas: string[] };

export interface Reply {
  content: ReplyBlock[];
  outputTokens: number;
  stopReason: 'end_turn' | 'max_tokens' | 'tool_use';
}

/** The block as the API returns it in a non-streaming message (and as content_block_start opens it, input empty). */
export function apiBlock(block: ReplyBlock, { opening = false } = {}): object {
  if (block.type === 'text') return { type: 'text', text: opening ? '' : block.text };
  return { type: 'tool_use', id: block.id, name: block.name, input: opening ? {} : block.input };
}

/** Exactly the scripted blocks; tool_use ids come from `toolId(index)`. Stops for tool use when it calls one. */
export function scriptedReply(blocks: readonly ScriptedBlock[], family: TokenizerFamily, toolId: (index: number) => string): Reply {
  let outputTokens = 0;
  const content = blocks.map((block, index): ReplyBlock => {
    if (block.type === 'text') {
      outputTokens += estimateTextTokens(block.text, family);
      return { type: 'text', text: block.text, deltas: splitDeltas(block.text) };
    }
    const json = JSON.stringify(block.input);
    // The model writes the call as its name and input JSON; that is what it is billed for.
    outputTokens += estimateTextTokens(`${block.name} ${json}`, family);
    return { type: 'tool_use', id: toolId(index), name: block.name, input: block.input, deltas: ['', ...splitDeltas(json)] };
  });
  const stopReason = content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
  return { content, outputTokens: Math.max(1, outputTokens), stopReason };
}

/** How unscripted replies read: sized filler for tests, or answers that read like a model's (the demo). */
export type ReplyStyle = 'sized' | 'plausible';

export function composeReply(lastUserText: string, family: TokenizerFamily, maxTokens: number, style: ReplyStyle = 'sized'): Reply {
  const exact = /\[\[reply:([\s\S]*)\]\]/.exec(lastUserText);
  const sized = /\[\[tokens:(\d+)\]\]/.exec(lastUserText);
  if (style === 'plausible' && !exact && !sized) {
    const answer = plausibleAnswer(lastUserText, family, maxTokens);
    const stopReason = answer.truncated ? 'max_tokens' : 'end_turn';
    return {
      content: [{ type: 'text', text: answer.text, deltas: splitDeltas(answer.text) }],
      outputTokens: answer.outputTokens,
      stopReason,
    };
  }
  let text: string;
  let outputTokens: number;
  if (exact) {
    text = exact[1]!;
    outputTokens = Math.max(1, estimateTextTokens(text, family));
  } else {
    outputTokens = Math.max(1, sized ? Number(sized[1]) : DEFAULT_REPLY_TOKENS);
    text = markdownOfSize(outputTokens, family);
  }
  let stopReason: Reply['stopReason'] = 'end_turn';
  if (maxTokens > 0 && outputTokens > maxTokens) {
    const points = Array.from(text);
    text = points.slice(0, Math.floor((points.length * maxTokens) / outputTokens)).join('');
    outputTokens = maxTokens;
    stopReason = 'max_tokens';
  }
  return { content: [{ type: 'text', text, deltas: splitDeltas(text) }], outputTokens, stopReason };
}

function markdownOfSize(tokens: number, family: TokenizerFamily): string {
  const sentence = 'Here is a small TypeScript example that does what you asked.';
  if (estimateTextTokens(sentence, family) >= tokens) {
    const words = sentence.split(' ');
    while (words.length > 1 && estimateTextTokens(words.join(' '), family) > tokens) words.pop();
    return words.join(' ');
  }
  const open = `${sentence}\n\n\`\`\`ts\n`;
  const close = '```\n';
  // Line by line, adding each line's own estimate: linear, and within a few tokens of the whole.
  let body = '';
  let estimate = estimateTextTokens(open + close, family);
  for (let line = 1; ; line++) {
    const next = `const step${line} = ${line} * 2; // step ${line}\n`;
    const cost = estimateTextTokens(next, family);
    if (line > 1 && estimate + cost > tokens) break;
    body += next;
    estimate += cost;
  }
  return open + body + close;
}

function splitDeltas(text: string): string[] {
  const points = Array.from(text);
  const deltas: string[] = [];
  for (let start = 0; start < points.length; start += DELTA_CODE_POINTS) {
    deltas.push(points.slice(start, start + DELTA_CODE_POINTS).join(''));
  }
  return deltas;
}
