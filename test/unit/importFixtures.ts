// Claude Code session-log lines for the import tests, shaped like the ones Claude Code 2.1.332 writes
// (compact JSON, one object per line), with the quirks to test set by hand.
import { mkdirSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface LineFields {
  messageId?: string | null;
  requestId?: string | null;
  sessionId?: string | null;
  timestamp?: string;
  model?: string | null;
  cwd?: string;
  isSidechain?: boolean;
  version?: string;
  input?: number;
  output?: number;
  cacheWrite?: number;
  cacheRead?: number;
  /** Adds cache_creation split by TTL. */
  split?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  /** Replaces the message's content blocks. */
  content?: unknown[];
}

export const DAY = '2026-11-20';

/** One assistant line; a field given as null is left out (undefined keeps the default). */
export function assistantLine(fields: LineFields = {}): string {
  const usage: Record<string, unknown> = {
    input_tokens: fields.input ?? 3,
    cache_creation_input_tokens: fields.cacheWrite ?? 1000,
    cache_read_input_tokens: fields.cacheRead ?? 500,
    output_tokens: fields.output ?? 20,
    ...(fields.split ? { cache_creation: fields.split } : {}),
    service_tier: 'standard',
  };
  const message: Record<string, unknown> = {
    model: fields.model === undefined ? 'claude-sonnet-5-5' : fields.model,
    id: fields.messageId === undefined ? 'msg_01' : fields.messageId,
    type: 'message',
    role: 'assistant',
    content: fields.content ?? [{ type: 'text', text: 'Done.' }],
    stop_reason: 'end_turn',
    usage,
  };
  const line: Record<string, unknown> = {
    parentUuid: null,
    isSidechain: fields.isSidechain ?? false,
    message,
    requestId: fields.requestId === undefined ? 'req_01' : fields.requestId,
    type: 'assistant',
    uuid: 'u-1',
    timestamp: fields.timestamp ?? `${DAY}T10:00:00.000Z`,
    cwd: fields.cwd ?? '/work/alpha',
    sessionId: fields.sessionId === undefined ? 's-1' : fields.sessionId,
    version: fields.version ?? '2.1.332',
  };
  for (const [key, value] of Object.entries(line)) if (value === null) delete line[key];
  for (const [key, value] of Object.entries(message)) if (value === null) delete message[key];
  return JSON.stringify(line);
}

/** Lines that are in every real log but carry no usage. */
export function userLine(text = 'hello'): string {
  return JSON.stringify({ type: 'user', message: { role: 'user', content: text }, timestamp: `${DAY}T09:59:59.000Z`, sessionId: 's-1' });
}

export const LAST_PROMPT_LINE = JSON.stringify({ type: 'last-prompt', lastPrompt: 'hello', sessionId: 's-1' });

/** Writes `projects/<relative>` under `configDir`, dated `ageMs` in the past (old by default, so nothing is still "being written"). */
export function writeLog(configDir: string, relative: string, lines: string[], ageMs = 3_600_000): string {
  const file = join(configDir, 'projects', relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
  age(file, ageMs);
  return file;
}

export function appendLog(file: string, lines: string[], ageMs = 3_600_000): void {
  appendFileSync(file, lines.map((line) => `${line}\n`).join(''));
  age(file, ageMs);
}

function age(file: string, ageMs: number): void {
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
}
