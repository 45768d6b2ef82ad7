// The request and message ids already in the ledger, from any writer (the gateway, an earlier import),
// read per month file from where the last read stopped: a long-lived caller (the editor) keeps one and
// pays only for new lines. A one-shot caller asking about a few ids has only the lines that mention
// them parsed (a byte search of the month files), not the whole ledger.
import * as path from 'node:path';
import { parseLedgerEntry, type LedgerEntry } from '../ledger/entry.js';
import { nodeFileSystem, type LedgerFileSystem } from '../ledger/fileSystem.js';
import { monthFileName } from '../ledger/paths.js';
import { scanFile, type ScanPosition } from '../ledger/reader.js';

/** What the ledger says about an entry with a given message id. */
export interface RecordedMessage {
  ts: string;
  source: string;
  requestId: string | null;
  conversationId: string | null;
}

const NEWLINE = 0x0a;
/** Up to this many ids, parsing only the lines that mention them beats reading the month files whole. */
const TARGETED_IDS_MAX = 500;

export class LedgerIds {
  private readonly requests = new Map<string, string>();
  private readonly messages = new Map<string, RecordedMessage[]>();
  private readonly positions = new Map<string, ScanPosition>();
  private readonly fs: LedgerFileSystem;

  /**
   * @param follow read whole month files and keep following them (a long-lived caller: later reads cost
   *   only the new lines) instead of searching them for the few ids asked about
   */
  constructor(
    readonly dir: string,
    private readonly options: { follow?: boolean; fs?: LedgerFileSystem } = {},
  ) {
    this.fs = options.fs ?? nodeFileSystem;
  }

  /** Reads what was appended to these months' files (YYYY-MM) since the last call. */
  refresh(months: Iterable<string>): void {
    for (const month of months) {
      const file = path.join(this.dir, monthFileName(month));
      let from = this.positions.get(month) ?? { offset: 0, lines: 0 };
      if ((this.fs.size(file) ?? 0) < from.offset) {
        // The file shrank (restored from a backup, edited): forget everything and read it all again.
        this.requests.clear();
        this.messages.clear();
        this.positions.clear();
        from = { offset: 0, lines: 0 };
      }
      const result = scanFile(
        this.fs,
        file,
        from,
        (entry) => this.add(entry),
        () => {},
      );
      this.positions.set(month, { offset: result.offset, lines: result.lines });
    }
  }

  /**
   * Makes the entries mentioning these ids known: the lines holding them are found by a byte search and
   * parsed (months already followed are refreshed instead). Beyond a few hundred ids, a full read is cheaper.
   */
  learn(months: Iterable<string>, ids: readonly string[]): void {
    const list = [...months];
    if (this.options.follow) return this.refresh(list);
    const followed = list.filter((month) => this.positions.has(month));
    const rest = list.filter((month) => !this.positions.has(month));
    this.refresh(followed);
    if (ids.length > TARGETED_IDS_MAX) return this.refresh(rest);
    const needles = ids.map((id) => Buffer.from(JSON.stringify(id)));
    for (const month of rest) {
      const file = path.join(this.dir, monthFileName(month));
      const size = this.fs.size(file) ?? 0;
      if (size === 0) continue;
      const bytes = this.fs.read(file, 0, size);
      const starts = new Set<number>();
      for (const needle of needles) {
        for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
          starts.add(bytes.lastIndexOf(NEWLINE, at) + 1);
        }
      }
      for (const start of starts) {
        const end = bytes.indexOf(NEWLINE, start);
        if (end === -1) continue; // a line still being written
        try {
          this.add(parseLedgerEntry(JSON.parse(bytes.toString('utf8', start, end))));
        } catch {
          // not an entry the ledger's readers accept either
        }
      }
    }
  }

  private add(entry: LedgerEntry): void {
    if (entry.requestId) this.requests.set(entry.requestId, entry.source);
    if (entry.messageId) {
      const list = this.messages.get(entry.messageId) ?? [];
      list.push({ ts: entry.ts, source: entry.source, requestId: entry.requestId ?? null, conversationId: entry.conversationId ?? null });
      this.messages.set(entry.messageId, list);
    }
  }

  /** The source of the entry with this request id, if any. */
  requestSource(requestId: string): string | undefined {
    return this.requests.get(requestId);
  }

  messageEntries(messageId: string): readonly RecordedMessage[] {
    return this.messages.get(messageId) ?? [];
  }
}
