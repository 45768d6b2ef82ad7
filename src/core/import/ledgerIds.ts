// The request and message ids already in the ledger, from any writer (the gateway, an earlier import),
// read per month file from where the last read stopped: a long-lived caller (the editor) keeps one and
// pays only for new lines.
import * as path from 'node:path';
import type { LedgerEntry } from '../ledger/entry.js';
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

export class LedgerIds {
  private readonly requests = new Map<string, string>();
  private readonly messages = new Map<string, RecordedMessage[]>();
  private readonly positions = new Map<string, ScanPosition>();

  constructor(
    readonly dir: string,
    private readonly fs: LedgerFileSystem = nodeFileSystem,
  ) {}

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
