import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a text/event-stream into the `data` of each event as bytes arrive, however the
 * chunks cut lines or UTF-8 sequences. Only `data:` lines matter to the meter (Anthropic's
 * events repeat their type inside the JSON), so `event:`, `id:` and comments are skipped.
 */
export class SseDataSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private data: string[] = [];

  constructor(private readonly onData: (data: string) => void) {}

  push(chunk: Buffer): void {
    this.consume(this.decoder.write(chunk));
  }

  /** The stream ended: an event without its closing blank line is still delivered. */
  end(): void {
    this.consume(this.decoder.end());
    if (this.pending !== '') this.line(this.pending);
    this.pending = '';
    this.dispatch();
  }

  private consume(text: string): void {
    if (text === '') return;
    let buffer = this.pending + text;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.charCodeAt(newline - 1) === 13 ? buffer.slice(0, newline - 1) : buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      this.line(line);
    }
    this.pending = buffer;
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith('data:')) this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
  }

  private dispatch(): void {
    if (this.data.length === 0) return;
    const data = this.data.join('\n');
    this.data = [];
    this.onData(data);
  }
}
