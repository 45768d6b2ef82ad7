import * as v from 'valibot';
import { UsageSchema, type Usage } from '../prices/cost.js';

/**
 * Usage as Tally records it: the server's report when it is sane, else Tally's own estimate, flagged.
 * A request the server processed is billed whatever its usage says, so it must be recorded either way.
 */
export interface UsageReading {
  usage: Usage;
  /** True when the server's usage was missing or not sane and `usage` is Tally's estimate. */
  estimated: boolean;
  /** What was wrong with the server's usage, for the user ("input_tokens: must be a whole number"). */
  problem: string | null;
}

/** Collects usage from a stream's events: message_start's counts, then message_delta's cumulative ones. */
export class StreamUsage {
  private reported: Record<string, unknown> | null = null;
  private problem: string | null = null;
  private sawDelta = false;

  /** message_start: the input and cache counts (and a first output count). */
  start(raw: unknown): void {
    if (!isRecord(raw)) {
      this.problem ??= `message_start usage is ${describe(raw)}`;
      return;
    }
    this.reported = { ...raw };
  }

  /** message_delta: cumulative, so each value replaces the last (adding them would double-count cache writes). */
  delta(raw: unknown): void {
    this.sawDelta = true;
    if (!isRecord(raw)) {
      this.problem ??= `message_delta usage is ${describe(raw)}`;
      return;
    }
    const merged: Record<string, unknown> = { ...(this.reported ?? {}) };
    for (const [key, value] of Object.entries(raw)) if (value !== null && value !== undefined) merged[key] = value;
    this.reported = merged;
  }

  /**
   * The server took the request but never answered within the timeout: it may still have processed
   * (and billed) it, so the prompt is recorded at Tally's estimate rather than not at all.
   */
  unanswered(reason: string): void {
    this.problem ??= reason;
  }

  /** Whether the server said anything about usage (a stream that began), or may have processed the request. */
  get started(): boolean {
    return this.reported !== null || this.problem !== null;
  }

  /**
   * The usage to record. `estimate` gives Tally's own counts for the prompt and the text received;
   * they replace a report that is missing or not sane, and raise output_tokens when the stream
   * ended before any message_delta (Anthropic bills what it generated, and reports nothing more).
   */
  reading(estimate: () => { inputTokens: number; outputTokens: number }): UsageReading {
    const problem = this.problem ?? (this.reported ? usageProblem(this.reported) : 'no usage was reported');
    if (problem) {
      const { inputTokens, outputTokens } = estimate();
      return { usage: { input_tokens: inputTokens, output_tokens: outputTokens }, estimated: true, problem };
    }
    const usage = v.parse(UsageSchema, this.reported);
    if (this.sawDelta) return { usage, estimated: false, problem: null };
    return { usage: { ...usage, output_tokens: Math.max(usage.output_tokens, estimate().outputTokens) }, estimated: false, problem: null };
  }
}

/** Why `raw` is not usable usage, or null: every count a whole number from 0 to MAX_USAGE_TOKENS. */
export function usageProblem(raw: unknown): string | null {
  const result = v.safeParse(UsageSchema, raw);
  if (result.success) return null;
  const issue = result.issues[0];
  const field = (issue.path ?? []).map((item) => String(item.key)).join('.');
  return `${field || 'usage'}: ${issue.message} (got ${describe(issue.input)})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
