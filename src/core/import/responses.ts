// Claude Code logs one API response on several lines (one per content block, each with the whole
// usage), copies responses into other transcripts (forks, resumes) and replays parent messages in
// sidechain transcripts. These rules turn lines into responses, one per request, as ccusage counts them:
// - a response is its request id and message id; a line without a request id is its message id within
//   its session (and, for ids that are not Anthropic's msg_..., its timestamp too);
// - of a response's lines the one with the most tokens counts, a main-transcript line before a
//   sidechain one, the first among equals;
// - a sidechain line whose message id a main-transcript line of the same session has under another
//   request id is a replay of that message, not a request.
import type { LoggedUsage } from './claudeCodeLine.js';
import { totalTokens } from './claudeCodeLine.js';

/** A usage line with where it was read. */
export interface LoggedLine extends LoggedUsage {
  file: string;
  /** Byte offsets of the line in its file. */
  start: number;
  end: number;
  /** The session it belongs to: its own sessionId, else the one its file path names. */
  session: string;
}

export interface LoggedResponse {
  /** The line whose usage counts. */
  line: LoggedLine;
  /** Every line that logged this response (for the byte range that must be settled). */
  lines: LoggedLine[];
  messageId: string;
}

export function isAnthropicMessageId(id: string): boolean {
  return id.startsWith('msg_');
}

function responseKey(line: LoggedLine & { messageId: string }): string {
  if (line.requestId) return `r\u0000${line.requestId}\u0000${line.messageId}`;
  const base = `m\u0000${line.messageId}\u0000${line.session}`;
  return isAnthropicMessageId(line.messageId) ? base : `${base}\u0000${line.timestamp}`;
}

/** Whether `candidate` should count instead of `kept` for the same response. */
function preferred(candidate: LoggedLine, kept: LoggedLine): boolean {
  if (candidate.isSidechain !== kept.isSidechain) return kept.isSidechain;
  return totalTokens(candidate.usage) > totalTokens(kept.usage);
}

/** Responses in the order their first line appears; lines without a message id cannot be told apart and are returned apart. */
export function groupResponses(lines: readonly LoggedLine[]): { responses: LoggedResponse[]; withoutId: LoggedLine[] } {
  const byKey = new Map<string, LoggedResponse>();
  const withoutId: LoggedLine[] = [];
  for (const line of lines) {
    const messageId = line.messageId;
    if (!messageId) {
      withoutId.push(line);
      continue;
    }
    const key = responseKey({ ...line, messageId });
    const found = byKey.get(key);
    if (!found) {
      byKey.set(key, { line, lines: [line], messageId });
      continue;
    }
    found.lines.push(line);
    if (preferred(line, found.line)) found.line = line;
  }
  const responses = [...byKey.values()];
  // A response whose kept line is a sidechain one has no main-transcript line under its own request id.
  const mainMessages = new Set(responses.filter((r) => !r.line.isSidechain).map((r) => `${r.line.session}\u0000${r.messageId}`));
  const kept = responses.filter((r) => !r.line.isSidechain || !mainMessages.has(`${r.line.session}\u0000${r.messageId}`));
  return { responses: kept, withoutId };
}
