import type { TokenizerFamily } from '../core/prices/schema.js';
import { IncrementalTokenEstimator } from '../core/tokens/incremental.js';
import type { RouteInput } from '../core/router/types.js';

// Pure (no `vscode`): keeps the estimate status bar cheap per keystroke on a large prompt file.
// Loaded with estimateWork.ts on first use, not at activation.

/** One change as VS Code reports it: where, how much was replaced, how much was put in. */
export interface TextEdit {
  offset: number;
  removedLength: number;
  insertedLength: number;
}

/**
 * Two successive edits as one (`next` is in the coordinates of the text after `first`): the
 * span covering both, so a burst of keystrokes between two estimates is one recount.
 */
export function mergeEdits(first: TextEdit, next: TextEdit): TextEdit {
  const start = Math.min(first.offset, next.offset);
  const end = Math.max(first.offset + first.insertedLength, next.offset + next.removedLength);
  const span = end - start;
  return {
    offset: start,
    removedLength: span - first.insertedLength + first.removedLength,
    insertedLength: span - next.removedLength + next.insertedLength,
  };
}

/**
 * Token counts of the text being estimated (a file or a selection, named by `key`), kept up to
 * date by recounting only what changed. One set of counts gives every tokenizer family.
 */
export class PromptTokens {
  private estimator: IncrementalTokenEstimator | undefined;
  private key: string | undefined;
  private pending: TextEdit | null = null;

  /** Changes to the text named `key`, in the order VS Code reports them; other texts are ignored. */
  noteEdits(key: string, edits: readonly TextEdit[]): void {
    if (key !== this.key) return;
    for (const edit of edits) this.pending = this.pending ? mergeEdits(this.pending, edit) : edit;
  }

  /** Content tokens (no message frame) of `text`, the current text named `key`, for any family. */
  counts(key: string, text: string): (family: TokenizerFamily) => number {
    const pending = this.pending;
    this.pending = null;
    if (!this.estimator || key !== this.key) {
      this.estimator = new IncrementalTokenEstimator('v5');
      this.key = key;
      this.estimator.update(text);
    } else if (pending) {
      // edit() checks the lengths add up and falls back to comparing the texts when they do not.
      this.estimator.edit(text, pending.offset, pending.removedLength, pending.insertedLength);
    } else {
      this.estimator.update(text);
    }
    const estimator = this.estimator;
    return (family) => estimator.tokens(family);
  }
}

/** The router reads at most this much of each end of a prompt. */
export const ROUTER_EDGE_CHARS = 10_000;

/**
 * What the router sees of a long prompt: its first and last 10k characters (where the question
 * and the pasted material's shape are), so a 1 MB file costs a router pass of 20k characters,
 * not 40-65 ms per keystroke. The part left out still counts as pasted context by size.
 */
export function routerInput(text: string, contentTokens: number): RouteInput {
  if (text.length <= 2 * ROUTER_EDGE_CHARS) return { prompt: text };
  const omitted = text.length - 2 * ROUTER_EDGE_CHARS;
  return {
    prompt: `${text.slice(0, ROUTER_EDGE_CHARS)}\n[…]\n${text.slice(-ROUTER_EDGE_CHARS)}`,
    contextTokens: Math.round((contentTokens * omitted) / text.length),
  };
}
