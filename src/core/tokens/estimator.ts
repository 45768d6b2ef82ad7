import type { TokenizerFamily } from '../prices/schema.js';

// PLACEHOLDER until the calibrated estimator lands (issue 2): a flat characters-per-token rule.
const FRAME_TOKENS: Record<TokenizerFamily, number> = { v3: 7, 'v4.7': 7, v5: 7 };

/** Tokens of `text` as content, without any message frame. */
export function estimateTextTokens(text: string, family: TokenizerFamily): number {
  void family;
  return Math.ceil(text.length / 3.5);
}

/** Tokens the API adds around a request holding a single user message. */
export function messageFrameTokens(family: TokenizerFamily): number {
  return FRAME_TOKENS[family];
}

/** What count_tokens reports for `text` sent as the only user message. */
export function countUserMessageTokens(text: string, family: TokenizerFamily): number {
  return messageFrameTokens(family) + estimateTextTokens(text, family);
}
