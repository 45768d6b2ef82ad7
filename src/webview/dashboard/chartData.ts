import type { DailySeries, DashboardData, RangeDays } from '../../protocol/dashboard.js';

// Pure shaping from the extension's snapshot to what the charts and tables draw, so the
// numbers on screen are unit-tested without a DOM.

export interface RangeView {
  days: string[];
  /** Only series that spent something in the range, largest first. */
  byModel: DailySeries[];
  byTier: Array<{ tier: string; usd: number }>;
  requests: number;
  usd: number;
  cacheSavedUsd: number;
  routingSavedUsd: number;
  /** Running totals of savings over the range, aligned with `days`. */
  cacheSavedCumulative: number[];
  routingSavedCumulative: number[];
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function running(values: readonly number[]): number[] {
  let total = 0;
  return values.map((value) => (total += value));
}

/** The last `rangeDays` days of the snapshot, with totals for that range. */
export function rangeView(data: DashboardData, rangeDays: RangeDays): RangeView {
  const start = Math.max(0, data.days.length - rangeDays);
  const cut = (values: readonly number[]) => values.slice(start);
  const nonEmpty = (series: DailySeries[]) =>
    series
      .map((s) => ({ ...s, usd: cut(s.usd) }))
      .filter((s) => sum(s.usd) > 0)
      .sort((a, b) => sum(b.usd) - sum(a.usd));
  const byModel = nonEmpty(data.dailyByModel);
  const cacheSaved = cut(data.cacheSavedByDay);
  const routingSaved = cut(data.routingSavedByDay);
  return {
    days: data.days.slice(start),
    byModel,
    byTier: nonEmpty(data.dailyByTier).map((s) => ({ tier: s.key, usd: sum(s.usd) })),
    requests: sum(cut(data.requestsByDay)),
    usd: sum(byModel.map((s) => sum(s.usd))),
    cacheSavedUsd: sum(cacheSaved),
    routingSavedUsd: sum(routingSaved),
    cacheSavedCumulative: running(cacheSaved),
    routingSavedCumulative: running(routingSaved),
  };
}

export interface MonthProgress {
  /** Every day of the current month, YYYY-MM-DD. */
  days: string[];
  /** Cumulative spend up to today; null after today. */
  actual: Array<number | null>;
  /** Straight line from today's cumulative spend to the month-end forecast; null before today. */
  forecast: Array<number | null>;
  /** The monthly budget on every day, or null when none is set. */
  budget: Array<number | null>;
}

/** Cumulative month-to-date spend, the projection to month end and the budget line. */
export function monthProgress(data: DashboardData): MonthProgress {
  const { month, dayOfMonth, daysInMonth, forecastMonthUsd, monthlyUsd } = data.budget;
  const days = Array.from({ length: daysInMonth }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
  const spentOn = new Map<string, number>();
  data.days.forEach((day, i) => {
    if (day.startsWith(month)) spentOn.set(day, sum(data.dailyByModel.map((s) => s.usd[i] ?? 0)));
  });
  const actual: Array<number | null> = [];
  let total = 0;
  days.forEach((day, i) => {
    total += spentOn.get(day) ?? 0;
    actual.push(i < dayOfMonth ? total : null);
  });
  const todayTotal = actual[dayOfMonth - 1] ?? 0;
  const remaining = daysInMonth - dayOfMonth;
  const forecast = days.map((_, i) => {
    if (i < dayOfMonth - 1) return null;
    if (remaining === 0) return forecastMonthUsd;
    return todayTotal + ((forecastMonthUsd - todayTotal) * (i - (dayOfMonth - 1))) / remaining;
  });
  return { days, actual, forecast, budget: days.map(() => monthlyUsd) };
}

/** A one-line summary of the budget for people and screen readers. */
export function budgetSummary(data: DashboardData, formatUsd: (usd: number) => string): string {
  const b = data.budget;
  const parts: string[] = [];
  if (b.monthlyUsd !== null) {
    const percent = b.monthlyUsd > 0 ? Math.round((b.monthUsd / b.monthlyUsd) * 100) : 100;
    parts.push(`${formatUsd(b.monthUsd)} of ${formatUsd(b.monthlyUsd)} this month (${percent}%)`);
    const over = b.forecastMonthUsd - b.monthlyUsd;
    parts.push(
      over > 0
        ? `at this rate the month ends at ${formatUsd(b.forecastMonthUsd)}, ${formatUsd(over)} over budget`
        : `at this rate the month ends at ${formatUsd(b.forecastMonthUsd)}, within budget`,
    );
  } else {
    parts.push(
      `${formatUsd(b.monthUsd)} this month; at this rate the month ends at ${formatUsd(b.forecastMonthUsd)} (no monthly budget set)`,
    );
  }
  if (b.dailyUsd !== null) parts.push(`today ${formatUsd(b.todayUsd)} of ${formatUsd(b.dailyUsd)} daily`);
  return parts.join('; ') + '.';
}

/** True when the ledger has nothing for this workspace yet: the dashboard shows how to start. */
export function isEmpty(data: DashboardData): boolean {
  return data.recent.length === 0 && data.budget.monthUsd === 0 && sum(data.requestsByDay) === 0;
}

/** Axis labels: cents ($4.50, $0.50), sub-cent steps with one significant digit ($0.005). */
export function axisUsd(value: number, step?: number): string {
  if (value === 0) return '$0';
  const abs = Math.abs(value);
  // As many decimals as the tick step needs, so neighbouring ticks ($0.025, $0.030) never print the same;
  // without a step, two significant digits below a cent.
  const text =
    step !== undefined && step > 0
      ? abs.toFixed(Math.min(8, Math.max(2, Math.ceil(-Math.log10(step) - 1e-9))))
      : abs >= 0.01
        ? abs.toFixed(2)
        : String(Number(abs.toPrecision(2)));
  return `${value < 0 ? '-' : ''}$${text}`;
}

/**
 * A colour per model that matches the tier chart: the biggest model of each tier takes its
 * tier's colour; other models take the colours no tier uses, then repeat.
 */
export function modelColours(
  series: readonly DailySeries[],
  tierColours: Readonly<Record<string, string>>,
  spare: readonly string[],
): string[] {
  const tiersTaken = new Set<string>();
  let next = 0;
  return series.map((s) => {
    const colour = s.tier ? tierColours[s.tier] : undefined;
    if (s.tier && colour && !tiersTaken.has(s.tier)) {
      tiersTaken.add(s.tier);
      return colour;
    }
    return spare[next++ % spare.length]!;
  });
}

/** A savings figure as the user reads it: what it is compared with, and a cost said as a cost. */
export interface SavingStat {
  label: string;
  value: string;
  note: string;
  /** The baseline in full, for the tooltip. */
  definition: string;
}

const BASELINES = {
  cache: 'Caching: what these requests would have cost sent with no prompt caching, minus what they cost.',
  routing:
    'Routing: what the same tokens would have cost on your default tier (Sonnet, tally.models.sonnet), minus what they cost on the tier chosen.',
} as const;

export function savingStat(kind: 'cache' | 'routing', usd: number, formatUsd: (usd: number) => string): SavingStat {
  const definition = BASELINES[kind];
  if (kind === 'cache') {
    return usd >= 0
      ? { label: 'Saved by caching', value: formatUsd(usd), note: 'vs. no prompt caching', definition }
      : {
          label: 'Caching cost extra',
          value: `+${formatUsd(-usd)}`,
          note: 'cache writes not yet read back',
          definition: `${definition} Writing a prompt to the cache costs more than sending it; the next requests that read it pay that back.`,
        };
  }
  return usd >= 0
    ? { label: 'Saved by routing', value: formatUsd(usd), note: 'vs. your default tier', definition }
    : {
        label: 'Routing chose a higher tier',
        value: `+${formatUsd(-usd)}`,
        note: 'vs. your default tier, for prompts that needed it',
        definition: `${definition} A higher tier was chosen (by the router or by you) for some prompts; each request's reasons are in the chat.`,
      };
}
