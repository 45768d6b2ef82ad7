// Until core has one (issue 8 asks for a shared helper): the server's usage where it is sane,
// Tally's estimate in place of any field that is not, and a flag saying so.
import type { Usage } from '../core/prices/cost.js';

/** No request has this many tokens of any kind (the largest context window is 1M): a bigger figure is a bug upstream. */
export const MAX_SANE_TOKENS = 10_000_000;

export interface SaneUsage {
  usage: Usage;
  /** True when any figure is Tally's estimate (missing, negative, fractional, not a number or absurd). */
  estimated: boolean;
}

export interface UsageEstimate {
  inputTokens: number;
  outputTokens: number;
}

const sane = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_SANE_TOKENS;

/**
 * `reported` is the usage object as the server sent it (anything). Input and output counts that
 * are not sane are replaced by the estimate; cache counts that are not sane are dropped, since an
 * estimate cannot know what was cached.
 */
export function sanitizeUsage(reported: unknown, estimate: () => UsageEstimate): SaneUsage {
  const raw = typeof reported === 'object' && reported !== null ? (reported as Record<string, unknown>) : {};
  let estimated = false;
  let fallback: UsageEstimate | undefined;
  const guess = () => (fallback ??= estimate());
  const count = (value: unknown, field: keyof UsageEstimate) => {
    if (sane(value)) return value;
    estimated = true;
    return guess()[field];
  };
  const usage: Usage = {
    input_tokens: count(raw['input_tokens'], 'inputTokens'),
    output_tokens: count(raw['output_tokens'], 'outputTokens'),
  };
  const optional = (field: 'cache_creation_input_tokens' | 'cache_read_input_tokens') => {
    const value = raw[field];
    if (value === undefined || value === null) return;
    if (sane(value)) usage[field] = value;
    else estimated = true;
  };
  optional('cache_creation_input_tokens');
  optional('cache_read_input_tokens');
  const split = raw['cache_creation'];
  if (typeof split === 'object' && split !== null) {
    const { ephemeral_5m_input_tokens: fiveMinute, ephemeral_1h_input_tokens: oneHour } = split as Record<string, unknown>;
    const parts = [fiveMinute, oneHour].filter((value) => value !== undefined && value !== null);
    if (parts.every(sane)) {
      usage.cache_creation = {
        ephemeral_5m_input_tokens: sane(fiveMinute) ? fiveMinute : null,
        ephemeral_1h_input_tokens: sane(oneHour) ? oneHour : null,
      };
    } else estimated = true;
  }
  return { usage, estimated };
}
