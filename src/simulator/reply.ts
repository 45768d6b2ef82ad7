// Deterministic replies: a sentence and a fenced code block, sized in output tokens, so tests can
// control length and content. `[[reply:TEXT]]` in the last user message replies exactly TEXT;
// `[[tokens:N]]` asks for a reply of N output tokens.
import type { TokenizerFamily } from '../core/prices/schema.js';
import { estimateTextTokens } from '../core/tokens/estimator.js';

export const DEFAULT_REPLY_TOKENS = 80;
const DELTA_CODE_POINTS = 12;

export interface Reply {
  text: string;
  outputTokens: number;
  stopReason: 'end_turn' | 'max_tokens';
  /** The text as the text_delta events carry it. */
  deltas: string[];
}

export function composeReply(lastUserText: string, family: TokenizerFamily, maxTokens: number): Reply {
  const exact = /\[\[reply:([\s\S]*)\]\]/.exec(lastUserText);
  const sized = /\[\[tokens:(\d+)\]\]/.exec(lastUserText);
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
  return { text, outputTokens, stopReason, deltas: splitDeltas(text) };
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
