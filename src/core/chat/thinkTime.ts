import { OVERHEAD_SOURCES, type LedgerEntry, type LedgerSource } from '../ledger/index.js';

/** Pauses longer than this are a new session, not think time. */
const MAX_PAUSE_MS = 24 * 60 * 60_000;

/**
 * The user's pauses before questions in earlier conversations, read back from the ledger: within
 * each conversation, the time from one reply's end to the next request. Summaries and classifier
 * calls are skipped (Tally sends those, not the user).
 */
export function thinkTimesFromLedger(entries: readonly LedgerEntry[]): number[] {
  const byConversation = new Map<string, Array<{ start: number; end: number }>>();
  for (const entry of entries) {
    if (!entry.conversationId || OVERHEAD_SOURCES.includes(entry.source as LedgerSource)) continue;
    const start = Date.parse(entry.ts);
    const list = byConversation.get(entry.conversationId) ?? [];
    list.push({ start, end: start + entry.durationMs });
    byConversation.set(entry.conversationId, list);
  }
  const pauses: Array<{ at: number; pause: number }> = [];
  for (const requests of byConversation.values()) {
    requests.sort((a, b) => a.start - b.start);
    for (let i = 1; i < requests.length; i++) {
      const pause = requests[i]!.start - requests[i - 1]!.end;
      if (pause >= 0 && pause <= MAX_PAUSE_MS) pauses.push({ at: requests[i]!.start, pause });
    }
  }
  return pauses.sort((a, b) => a.at - b.at).map(({ pause }) => pause);
}
