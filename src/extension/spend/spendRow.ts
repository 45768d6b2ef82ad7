/**
 * One ledger request as the spend views need it: flat, priced, with its savings split.
 * Built from a ledger entry by `toSpendRow` (ledgerSource.ts); everything downstream is pure.
 */
export interface SpendRow {
  /** ISO timestamp of the request. */
  ts: string;
  /** Milliseconds since the epoch, parsed once from `ts`. */
  time: number;
  workspacePath: string;
  workspaceName: string;
  source: string;
  conversationId: string;
  model: string;
  tier: string;
  /** Uncached input tokens (Anthropic's `input_tokens`). */
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  usd: number;
  /** The same tokens on the default model with no caching. */
  baselineUsd: number;
  /** What caching saved on the model that answered. */
  cacheSavedUsd: number;
  /** What answering on this model instead of the default saved (before caching). */
  routingSavedUsd: number;
  requestId: string;
  status: string;
  durationMs: number | null;
  /** Seeded by the demo (`sample: true` in the ledger), not spent. */
  sample?: boolean;
}
