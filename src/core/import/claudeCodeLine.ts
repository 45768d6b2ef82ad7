// One line of a Claude Code session log (CLAUDE_CONFIG_DIR/projects/**/*.jsonl) read for its usage,
// with the checks ccusage 20.0.24 makes, so both count the same lines: a line counts when its
// `message` object has a `usage` object whose token counts are whole numbers ≥ 0 (input and output
// present), its timestamp is a date, and the ids, model, version and session it names are non-empty
// (a field present as null voids the line, as in ccusage). Subagent progress lines of older Claude
// Code versions (`data.message.message.usage`) count like direct ones.
import type { Usage } from '../prices/cost.js';

export interface LoggedUsage {
  /** The line's timestamp as written, and as epoch ms. */
  timestamp: string;
  ms: number;
  /** The line's own sessionId (the file path gives one when it has none). */
  sessionId: string | null;
  /** The API's request-id header, as Claude Code logged it. */
  requestId: string | null;
  /** The API's message id (msg_...). */
  messageId: string | null;
  model: string | null;
  /** Token counts only, as the API reported them. */
  usage: Usage;
  /** The folder Claude Code ran in. */
  cwd: string | null;
  /** A subagent's or side question's transcript (they may replay parent messages). */
  isSidechain: boolean;
}

/** The usage a line records; null for a line without one; a string saying why a usage line does not count. */
export function readUsageLine(text: string): LoggedUsage | string | null {
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!isObject(line)) return null;
  const nested = isObject(line['data']) && isObject(line['data']['message']) ? line['data']['message'] : undefined;
  // A progress line wraps a subagent's message: its own timestamp, ids and usage sit one level down.
  const record = isObject(line['message']) ? line : nested && isObject(nested['message']) ? nested : undefined;
  if (!record) return null;
  const message = record['message'] as Record<string, unknown>;
  if (!isObject(message['usage'])) return null;

  const usage = readUsage(message['usage']);
  if (typeof usage === 'string') return usage;
  const timestamp = record['timestamp'];
  if (typeof timestamp !== 'string' || !ISO_TIMESTAMP.test(timestamp)) return 'no valid timestamp';
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return 'no valid timestamp';
  const version = line['version'];
  if (version !== undefined && (typeof version !== 'string' || !SEMVER_PREFIX.test(version))) return 'version is not a version number';
  if (line['costUSD'] === null || record['costUSD'] === null || line['isApiErrorMessage'] === null) return 'a field is null';

  const fields = {
    sessionId: optionalId(line['sessionId']),
    requestId: optionalId(record['requestId']),
    messageId: optionalId(message['id']),
    model: optionalId(message['model']),
  };
  const cwd = line['cwd'];
  if (cwd === null || (cwd !== undefined && typeof cwd !== 'string')) return 'cwd is not a string';
  for (const [name, value] of Object.entries(fields)) {
    if (value === INVALID) return `${name} is empty or not a string`;
  }
  return {
    timestamp,
    ms,
    ...(fields as Record<keyof typeof fields, string | null>),
    usage,
    cwd: typeof cwd === 'string' && cwd !== '' ? cwd : null,
    isSidechain: record['isSidechain'] === true || line['isSidechain'] === true,
  };
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const SEMVER_PREFIX = /^\d+\.\d+\.\d/;
const INVALID = Symbol('invalid');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent is null; present must be a non-empty string. */
function optionalId(value: unknown): string | null | typeof INVALID {
  if (value === undefined) return null;
  return typeof value === 'string' && value !== '' ? value : INVALID;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function readUsage(raw: Record<string, unknown>): Usage | string {
  if (!isCount(raw['input_tokens']) || !isCount(raw['output_tokens'])) return 'input_tokens and output_tokens must be whole numbers';
  const usage: Usage = { input_tokens: raw['input_tokens'], output_tokens: raw['output_tokens'] };
  for (const field of ['cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const value = raw[field];
    if (value === undefined) continue;
    if (!isCount(value)) return `${field} must be a whole number`;
    usage[field] = value;
  }
  if (raw['speed'] === null) return 'speed is null';
  const byTtl = raw['cache_creation'];
  if (isObject(byTtl)) {
    const split: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } = {};
    for (const field of ['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens'] as const) {
      const value = byTtl[field];
      if (value === undefined) continue;
      if (!isCount(value)) return `cache_creation.${field} must be a whole number`;
      split[field] = value;
    }
    usage.cache_creation = split;
  } else if (byTtl !== undefined && byTtl !== null) {
    return 'cache_creation must be an object';
  }
  return usage;
}

/** Every token the usage counts, the way ccusage ranks duplicate lines (cache writes by TTL when split). */
export function totalTokens(usage: Usage): number {
  const byTtl = usage.cache_creation;
  const written = byTtl
    ? (byTtl.ephemeral_5m_input_tokens ?? 0) + (byTtl.ephemeral_1h_input_tokens ?? 0)
    : (usage.cache_creation_input_tokens ?? 0);
  return usage.input_tokens + usage.output_tokens + written + (usage.cache_read_input_tokens ?? 0);
}
