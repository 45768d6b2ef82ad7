// Two weeks of plausible spend for the demo's ledger, so the dashboard, forecast and spend view have
// something to show on first open. Every entry is marked `sample: true` and priced by the real price
// table; the same seed and clock always give the same entries.
import { addDays, dayIn, wallClock } from '../../src/core/dates.js';
import { buildLedgerEntry, type EntryDetails, type LedgerEntry, type LedgerSource } from '../../src/core/ledger/entry.js';
import type { Usage } from '../../src/core/prices/cost.js';
import { resolveModel, type PriceTable } from '../../src/core/prices/priceTable.js';
import type { RoutedTier } from '../../src/core/tiers.js';

const HOUR_MS = 3_600_000;

export interface SampleSpendOptions {
  table: PriceTable;
  nowMs: number;
  timeZone: string;
  /** The demo workspace: most spend is recorded against it. */
  workspace: { path: string; name: string };
  days?: number;
  /** What today's entries add up to (so a budget can be set just below its warning). */
  todayUsd: number;
  seed?: number;
}

/** Who makes the requests, how often, and on which tiers: a developer using Claude Code through the gateway and Tally's chat. */
const SENDERS: ReadonlyArray<{ source: LedgerSource; client: string; weight: number; tiers: Record<RoutedTier, number> }> = [
  { source: 'gateway', client: 'claude-code', weight: 0.46, tiers: { haiku: 0.3, sonnet: 0.6, opus: 0.1 } },
  { source: 'chat', client: 'tally', weight: 0.28, tiers: { haiku: 0.45, sonnet: 0.45, opus: 0.1 } },
  { source: 'vscode-chat', client: 'vscode-chat', weight: 0.1, tiers: { haiku: 0.5, sonnet: 0.45, opus: 0.05 } },
  { source: 'gateway', client: 'anthropic-sdk', weight: 0.1, tiers: { haiku: 0.8, sonnet: 0.2, opus: 0 } },
  { source: 'cli', client: 'tally', weight: 0.06, tiers: { haiku: 0.6, sonnet: 0.4, opus: 0 } },
];
const TASKS = ['explain', 'write', 'fix', 'review', 'refactor', 'question'] as const;

/** A small, seedable generator (mulberry32), so the sample is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(next: () => number, weighted: ReadonlyArray<[T, number]>): T {
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = next() * total;
  for (const [value, weight] of weighted) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

/** The epoch ms at which the clock in `timeZone` reads `localMs` (wall-clock ms, as from wallClock). */
function fromWallClock(localMs: number, timeZone: string): number {
  const guess = localMs - (wallClock(localMs, timeZone) - localMs);
  return guess - (wallClock(guess, timeZone) - localMs);
}

function sampleUsage(next: () => number, tier: RoutedTier): Usage {
  const context = Math.round(1_500 + next() ** 2 * (tier === 'haiku' ? 12_000 : 45_000));
  const cached = next() < 0.7 ? Math.round(context * (0.55 + next() * 0.4)) : 0;
  const written = cached === 0 && next() < 0.5 ? Math.round(context * 0.6) : 0;
  return {
    input_tokens: context - cached - written,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: written,
    output_tokens: Math.round(120 + next() ** 1.5 * (tier === 'opus' ? 3_000 : 1_600)),
  };
}

/** Entries for the last `days` local days (today only up to now), oldest first; today's add up to about `todayUsd`. */
export function sampleSpend(options: SampleSpendOptions): LedgerEntry[] {
  const { table, nowMs, timeZone, workspace } = options;
  const next = random(options.seed ?? 20261201);
  const days = options.days ?? 14;
  const today = dayIn(nowMs, timeZone);
  const localMidnight = (day: string) => Date.parse(`${day}T00:00:00Z`);
  const otherWorkspace = { path: '/home/dev/code/payments-api', name: 'payments-api' };
  const build = (details: EntryDetails): LedgerEntry => ({ ...buildLedgerEntry(table, details), sample: true });
  const entries: LedgerEntry[] = [];
  for (let back = days - 1; back >= 0; back--) {
    const day = addDays(today, -back);
    const weekday = new Date(localMidnight(day)).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const count = Math.round((weekend ? 3 : 18) + next() * (weekend ? 5 : 22));
    // Working hours, or (today) the part of the day already past.
    const start = localMidnight(day) + 9 * HOUR_MS;
    const end = back === 0 ? Math.min(localMidnight(day) + 19 * HOUR_MS, wallClock(nowMs, timeZone) - 60_000) : start + 10 * HOUR_MS;
    const from = back === 0 && end < start ? localMidnight(day) : start;
    const requests: EntryDetails[] = [];
    for (let i = 0; i < count; i++) {
      const sender = pick(
        next,
        SENDERS.map((s) => [s, s.weight] as [(typeof SENDERS)[number], number]),
      );
      const tier = pick(next, Object.entries(sender.tiers) as Array<[RoutedTier, number]>);
      const model = resolveModel(table, table.tierDefaults[tier]);
      const startedAt = fromWallClock(from + next() * Math.max(0, end - from), timeZone);
      if (startedAt > nowMs) continue;
      const details: EntryDetails = {
        startedAt,
        workspace: next() < 0.8 ? workspace : otherWorkspace,
        source: sender.source,
        client: sender.client,
        taskClass: pick(
          next,
          TASKS.map((task) => [task, 1] as [string, number]),
        ),
        model,
        defaultModel: resolveModel(table, table.tierDefaults.opus),
        routedReasons: [],
        usage: sampleUsage(next, tier),
        status: next() < 0.97 ? 'ok' : 'aborted',
        durationMs: Math.round(1_500 + next() * 25_000),
      };
      requests.push(details);
    }
    // A working day of Claude Code and chat costs a few dollars; a weekend, cents.
    const dayUsd = back === 0 ? options.todayUsd : weekend ? 0.2 + next() * 0.9 : 2.5 + next() * 4;
    entries.push(...scaleTo(requests, dayUsd, build));
  }
  return entries.sort((a, b) => a.ts.localeCompare(b.ts));
}

/** A day's requests with their tokens scaled so that, priced, they add up to about `targetUsd`. */
function scaleTo(details: EntryDetails[], targetUsd: number, build: (d: EntryDetails) => LedgerEntry): LedgerEntry[] {
  const built = details.map(build);
  const total = built.reduce((sum, entry) => sum + entry.usd, 0);
  if (total === 0) return built;
  const factor = targetUsd / total;
  const scale = (usage: Usage): Usage => ({
    input_tokens: Math.round(usage.input_tokens * factor),
    output_tokens: Math.round(usage.output_tokens * factor),
    cache_read_input_tokens: Math.round((usage.cache_read_input_tokens ?? 0) * factor),
    cache_creation_input_tokens: Math.round((usage.cache_creation_input_tokens ?? 0) * factor),
  });
  return details.map((entry) => build({ ...entry, usage: scale(entry.usage) }));
}
