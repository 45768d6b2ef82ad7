// Faults the fake injects into the next POST /v1/messages requests, in the order injected.
import * as v from 'valibot';

const times = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1);
const ms = v.pipe(v.number(), v.minValue(0));

export const FaultSchema = v.variant('type', [
  /** 429 rate_limit_error with a retry-after header (seconds). */
  v.strictObject({ type: v.literal('rate_limit'), retryAfterSeconds: v.optional(v.number(), 1), times }),
  /** 529 overloaded_error. */
  v.strictObject({ type: v.literal('overloaded'), times }),
  /** 500 api_error. */
  v.strictObject({ type: v.literal('server_error'), times }),
  /** The socket is destroyed after this many text deltas (message_start has been sent). */
  v.strictObject({ type: v.literal('drop'), afterDeltas: v.pipe(v.number(), v.integer(), v.minValue(0)), times }),
  /** An SSE `error` event (as the real API sends when overloaded mid-stream) after this many text deltas. */
  v.strictObject({
    type: v.literal('stream_error'),
    afterDeltas: v.pipe(v.number(), v.integer(), v.minValue(0)),
    errorType: v.optional(v.string(), 'overloaded_error'),
    times,
  }),
  /** Each text delta waits this long (real milliseconds). */
  v.strictObject({ type: v.literal('slow'), delayMs: ms, times }),
  /** The response headers wait this long (real milliseconds). */
  v.strictObject({ type: v.literal('stall'), delayMs: ms, times }),
  /**
   * The reply is generated (and "billed": the request log keeps the true usage) but its usage is
   * reported as `usage` (any JSON; left out, the field is missing) in message_start, message_delta or both.
   */
  v.strictObject({
    type: v.literal('bad_usage'),
    usage: v.optional(v.unknown()),
    at: v.optional(v.picklist(['start', 'delta', 'both']), 'start'),
    times,
  }),
]);
export type FaultInput = v.InferInput<typeof FaultSchema>;
export type Fault = v.InferOutput<typeof FaultSchema>;

export function parseFault(input: unknown): Fault {
  const result = v.safeParse(FaultSchema, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((item) => String(item.key)).join('.');
  throw new Error(`bad fault${path ? ` at ${path}` : ''}: ${issue.message}`);
}

export class FaultQueue {
  private readonly queue: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault): void {
    this.queue.push({ fault, remaining: fault.times });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The fault for the next request, if any; each injected fault lasts `times` requests. */
  take(): Fault | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    if (--head.remaining <= 0) this.queue.shift();
    return head.fault;
  }
}
