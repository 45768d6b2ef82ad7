import type { MessagesRequest } from '../anthropic/client.js';

// Exact counts from Anthropic's count_tokens endpoint (free), where an API key allows: looked up by
// the request's content hash, fetched in the background at a limited rate while the user types, and
// asked for directly (with a timeout) just before a send. The estimate shows `peek()` when it has a
// value and the offline estimate otherwise, and says which.

/** A request as count_tokens takes it: what will be sent, without max_tokens. */
export type CountableRequest = Omit<MessagesRequest, 'max_tokens'>;

/** Supplied by the Anthropic client (messages.countTokens). */
export type CountTokens = (request: CountableRequest) => Promise<number>;

export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
}

export interface ExactCountOptions {
  countTokens: CountTokens;
  /** Least time between two calls to countTokens (the endpoint is rate-limited). Default 1000 ms. */
  minIntervalMs?: number;
  /** Most counts kept; the oldest go first. Default 2000. */
  maxEntries?: number;
  /** Called when an exact count arrives, so a view can swap the estimate for it. */
  onCount?: (request: CountableRequest, tokens: number) => void;
  /** Failures are never thrown; they are reported here (and the estimate stays in use). */
  onError?: (error: unknown, model: string) => void;
  scheduler?: Scheduler;
}

const defaultScheduler: Scheduler = { now: () => Date.now(), setTimeout: (callback, ms) => setTimeout(callback, ms) };

/** 53-bit content hash (cyrb53): fast, platform-free; with the length it is a safe cache key. */
export function contentHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

export class ExactTokenCounts {
  private readonly counts = new Map<string, number>();
  /** Latest request waiting per model: older ones for the same model are stale once superseded. */
  private readonly waiting = new Map<string, CountableRequest>();
  private readonly inFlight = new Set<string>();
  private busy = false;
  private lastCallAt = -Infinity;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: ExactCountOptions) {
    this.scheduler = options.scheduler ?? defaultScheduler;
  }

  /** The exact count of `request` if one has arrived; never waits. */
  peek(request: CountableRequest): number | undefined {
    return this.counts.get(requestKey(request));
  }

  /** Asks for the exact count in the background (no-op when it is known or already on its way). */
  request(request: CountableRequest): void {
    const id = requestKey(request);
    if (this.counts.has(id) || this.inFlight.has(id)) return;
    this.waiting.delete(request.model); // re-insert so the model moves to the back of the queue
    this.waiting.set(request.model, request);
    this.pump();
  }

  /**
   * The exact count now, for a request about to be sent: the known one, else one call that does not
   * wait its turn in the queue, given up after `timeoutMs`. Null when it cannot be had (reported to onError).
   */
  async countNow(request: CountableRequest, timeoutMs: number): Promise<number | null> {
    const id = requestKey(request);
    const known = this.counts.get(id);
    if (known !== undefined) return known;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const tokens = await Promise.race([this.options.countTokens(request), timeout]);
      if (tokens !== null) this.remember(id, tokens);
      return tokens;
    } catch (error) {
      this.options.onError?.(error, request.model);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private pump(): void {
    if (this.busy || this.waiting.size === 0) return;
    const wait = this.lastCallAt + (this.options.minIntervalMs ?? 1000) - this.scheduler.now();
    this.busy = true;
    if (wait > 0) {
      this.scheduler.setTimeout(() => {
        this.busy = false;
        this.pump();
      }, wait);
      return;
    }
    const [model, request] = this.waiting.entries().next().value as [string, CountableRequest];
    this.waiting.delete(model);
    const id = requestKey(request);
    if (this.counts.has(id)) {
      this.busy = false;
      return this.pump();
    }
    this.lastCallAt = this.scheduler.now();
    this.inFlight.add(id);
    let call: Promise<number>;
    try {
      call = this.options.countTokens(request);
    } catch (error) {
      call = Promise.reject(error);
    }
    call
      .then(
        (tokens) => {
          this.remember(id, tokens);
          this.options.onCount?.(request, tokens);
        },
        (error: unknown) => this.options.onError?.(error, model),
      )
      .catch((error: unknown) => this.options.onError?.(error, model)) // a throwing onCount must not break the queue
      .finally(() => {
        this.inFlight.delete(id);
        this.busy = false;
        this.pump();
      });
  }

  private remember(id: string, tokens: number): void {
    this.counts.set(id, tokens);
    const limit = this.options.maxEntries ?? 2000;
    while (this.counts.size > limit) this.counts.delete(this.counts.keys().next().value as string);
  }
}

/** Cache breakpoints do not change what a request counts, so they are left out of its key. */
export function requestKey(request: CountableRequest): string {
  const canonical = JSON.stringify({ system: request.system ?? null, messages: request.messages }, (name, value: unknown) =>
    name === 'cache_control' ? undefined : value,
  );
  return `${request.model}\u0000${contentHash(canonical)}`;
}
