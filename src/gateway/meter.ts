// What a Messages response says it cost, read as it passes through the gateway: from the SSE
// events of a stream, or from the JSON body of a non-streaming reply. Nothing here changes bytes.
import { StreamUsage, usageProblem, type UsageReading } from '../core/anthropic/usage.js';
import { parseUsage } from '../core/prices/cost.js';
import { SseDataSplitter } from './sse.js';

export interface UsageEstimate {
  inputTokens: number;
  outputTokens: number;
}

/** The server's usage, judged by core's rules: as reported where sane, else Tally's estimate, flagged. */
export interface UsageSource {
  reading(estimate: () => UsageEstimate): UsageReading;
}

/** What was seen of one reply. */
export interface MeterReading {
  /** message_start's usage, then each message_delta's laid over it (cumulative, never summed). */
  usage: UsageSource;
  messageId: string | null;
  model: string | null;
  /** The reply's text, thinking and tool input, for an output estimate when the server reported none. */
  outputText: string;
  /** A message_delta arrived (so output_tokens is the server's final or latest figure). */
  sawDelta: boolean;
  /** message_stop (stream) or a whole message (JSON) arrived. */
  completed: boolean;
  /** The type of an SSE `error` event, if the stream carried one. */
  errorType: string | null;
}

/** Nothing came back: the usage to record is Tally's estimate. */
export function emptyReading(): MeterReading {
  return { usage: new StreamUsage(), messageId: null, model: null, outputText: '', sawDelta: false, completed: false, errorType: null };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const stringOrNull = (value: unknown) => (typeof value === 'string' ? value : null);

/** Reads the `data` of each SSE event of a Messages stream. */
export class StreamMeter {
  private readonly usage = new StreamUsage();
  readonly reading: MeterReading = { ...emptyReading(), usage: this.usage };
  private readonly output: string[] = [];

  onEvent(data: string): void {
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // not JSON: nothing the meter can use, and the client gets the bytes as they were
    }
    if (!isObject(event)) return;
    const reading = this.reading;
    switch (event['type']) {
      case 'message_start': {
        const message = isObject(event['message']) ? event['message'] : {};
        reading.messageId = stringOrNull(message['id']) ?? reading.messageId;
        reading.model = stringOrNull(message['model']) ?? reading.model;
        this.usage.start(message['usage']);
        break;
      }
      case 'content_block_start': {
        const block = isObject(event['content_block']) ? event['content_block'] : {};
        if (typeof block['name'] === 'string') this.output.push(block['name']);
        if (typeof block['text'] === 'string') this.output.push(block['text']);
        break;
      }
      case 'content_block_delta': {
        const delta = isObject(event['delta']) ? event['delta'] : {};
        for (const field of ['text', 'thinking', 'partial_json']) {
          if (typeof delta[field] === 'string') this.output.push(delta[field]);
        }
        break;
      }
      case 'message_delta':
        reading.sawDelta = true;
        this.usage.delta(event['usage']);
        break;
      case 'message_stop':
        reading.completed = true;
        break;
      case 'error': {
        const error = isObject(event['error']) ? event['error'] : {};
        reading.errorType = stringOrNull(error['type']) ?? 'error';
        break;
      }
      default:
        break;
    }
  }

  /** The reading with the output text joined (done once, at the end). */
  finish(): MeterReading {
    this.reading.outputText = this.output.join('');
    return this.reading;
  }
}

/** Reads a non-streaming reply's JSON body (a `message` object). */
export function readJsonMessage(body: Buffer): MeterReading {
  const reading = emptyReading();
  let message: unknown;
  try {
    message = JSON.parse(body.toString('utf8'));
  } catch {
    return reading;
  }
  if (!isObject(message)) return reading;
  reading.messageId = stringOrNull(message['id']);
  reading.model = stringOrNull(message['model']);
  const reported = message['usage'];
  reading.usage = {
    reading: (estimate) => {
      const problem = usageProblem(reported);
      if (problem === null) return { usage: parseUsage(reported), estimated: false, problem: null };
      const guess = estimate();
      return { usage: { input_tokens: guess.inputTokens, output_tokens: guess.outputTokens }, estimated: true, problem };
    },
  };
  reading.completed = message['type'] === 'message';
  reading.sawDelta = reading.completed;
  const parts: string[] = [];
  for (const block of Array.isArray(message['content']) ? message['content'] : []) {
    if (!isObject(block)) continue;
    for (const field of ['text', 'thinking', 'name']) if (typeof block[field] === 'string') parts.push(block[field]);
    if (block['input'] !== undefined) parts.push(JSON.stringify(block['input']));
  }
  reading.outputText = parts.join('');
  return reading;
}

/** Bodies kept for a non-streaming reply's usage: the API's own request limit is far above any reply. */
const MAX_JSON_REPLY_BYTES = 32 * 1024 * 1024;

/** Meters one reply from its bytes, as a stream or as JSON by its content type. */
export class ReplyMeter {
  private stream: { splitter: SseDataSplitter; meter: StreamMeter } | null = null;
  private json: Buffer[] | null = null;
  private jsonBytes = 0;

  /** The function that sees the reply's (decompressed) body bytes, for a successful reply; null otherwise. */
  tapFor(status: number, contentType: string | undefined): ((chunk: Buffer) => void) | null {
    if (status < 200 || status >= 300) return null;
    if (/^text\/event-stream/i.test(contentType ?? '')) {
      const meter = new StreamMeter();
      const splitter = new SseDataSplitter((data) => meter.onEvent(data));
      this.stream = { splitter, meter };
      return (chunk) => splitter.push(chunk);
    }
    const json: Buffer[] = (this.json = []);
    return (chunk) => {
      this.jsonBytes += chunk.length;
      if (this.jsonBytes <= MAX_JSON_REPLY_BYTES) json.push(chunk);
    };
  }

  /** What the reply said, once its bytes have all passed (or stopped). */
  finish(): MeterReading {
    if (this.stream) {
      this.stream.splitter.end();
      return this.stream.meter.finish();
    }
    if (this.json && this.jsonBytes <= MAX_JSON_REPLY_BYTES) return readJsonMessage(Buffer.concat(this.json));
    return emptyReading();
  }
}
