/** True for a real calendar date written YYYY-MM-DD: 2026-02-28 is, 2026-02-30 and "garbage" are not. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

const DAY_MS = 86_400_000;

/** The last `count` UTC days up to and including the day of `nowMs`, oldest first, as YYYY-MM-DD. */
export function dayAxis(nowMs: number, count: number): string[] {
  const now = new Date(nowMs);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(today - (count - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}
