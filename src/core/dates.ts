// Tally's one vocabulary for days. Spend is grouped, totalled and budgeted by the user's local day
// (their time zone, or the system's), while ledger timestamps stay in UTC and rates are chosen by
// the UTC date Anthropic bills on.

/** True for a real calendar date written YYYY-MM-DD: 2026-02-28 is, 2026-02-30 and "garbage" are not. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/** The system's time zone (IANA name, e.g. Europe/Paris), "UTC" when it cannot be told. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** True for a time zone name Intl knows (IANA names such as America/New_York, or UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const offsetCache = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC in `timeZone` at `ms`. */
function offsetMinutes(ms: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const asUtc = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!);
  return Math.round((asUtc - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/**
 * `ms` moved by `timeZone`'s offset from UTC: read with the getUTC* methods, it gives the local
 * calendar and clock (for calendar arithmetic such as days left in the local month).
 */
export function wallClock(ms: number, timeZone: string): number {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' ? ms : ms + offsetMinutes(ms, timeZone) * 60_000;
}

/**
 * The calendar day (YYYY-MM-DD) of `ms` in `timeZone`. Offsets are looked up once per hour of time
 * (zones change offset on hour boundaries), so grouping a large ledger by day stays cheap.
 */
export function dayIn(ms: number, timeZone: string): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return new Date(ms).toISOString().slice(0, 10);
  let cache = offsetCache.get(timeZone);
  if (!cache) offsetCache.set(timeZone, (cache = new Map()));
  const hour = Math.floor(ms / HOUR_MS);
  let offset = cache.get(hour);
  if (offset === undefined) {
    offset = offsetMinutes(hour * HOUR_MS, timeZone);
    if (offsetMinutes(hour * HOUR_MS + HOUR_MS - 1, timeZone) !== offset)
      offset = offsetMinutes(ms, timeZone); // a change inside this hour
    else cache.set(hour, offset);
  }
  return new Date(ms + offset * 60_000).toISOString().slice(0, 10);
}

/** `day` moved by `days` (negative for earlier). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** YYYY-MM moved by `months`. */
export function addMonths(month: string, months: number): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, index - 1 + months, 1)).toISOString().slice(0, 7);
}

/** The last `count` days up to and including the day of `nowMs` in `timeZone`, oldest first, as YYYY-MM-DD. */
export function dayAxis(nowMs: number, count: number, timeZone = 'UTC'): string[] {
  const today = dayIn(nowMs, timeZone);
  return Array.from({ length: count }, (_, i) => addDays(today, i - (count - 1)));
}
