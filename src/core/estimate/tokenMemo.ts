import type { TokenizerFamily } from '../prices/schema.js';
import { estimateTextTokens } from '../tokens/estimator.js';

/** Text held for token estimates before the memo starts over (it shares the strings its callers hold). */
const MEMO_CHARS = 16_000_000;

/**
 * Offline token estimates by text: every turn and every keystroke re-sends the same system prompt,
 * files and history, so each is counted once. Texts no longer sent (edited files, compressed
 * turns) are let go when the memo outgrows its size.
 */
export class TokenMemo {
  private readonly byFamily = new Map<TokenizerFamily, Map<string, number>>();
  private chars = 0;

  tokens(text: string, family: TokenizerFamily): number {
    let memo = this.byFamily.get(family);
    if (!memo) this.byFamily.set(family, (memo = new Map()));
    let tokens = memo.get(text);
    if (tokens === undefined) {
      tokens = estimateTextTokens(text, family);
      if ((this.chars += text.length) > MEMO_CHARS) {
        for (const map of this.byFamily.values()) map.clear();
        this.chars = text.length;
      }
      memo.set(text, tokens);
    }
    return tokens;
  }

  private readonly counters = new Map<TokenizerFamily, (text: string) => number>();

  /** A counter for one family, as layouts take it (the same function each time, so layouts can be reused). */
  counter(family: TokenizerFamily): (text: string) => number {
    let counter = this.counters.get(family);
    if (!counter) this.counters.set(family, (counter = (text) => this.tokens(text, family)));
    return counter;
  }
}
