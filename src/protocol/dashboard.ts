import * as v from 'valibot';

// Every message between the dashboard webview and the extension, with the schemas both sides
// validate on arrival (a webview is another process; what crosses postMessage is untrusted).

const usd = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const isoDay = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/));

export const BUDGET_LEVELS = ['none', 'ok', 'warning', 'exceeded'] as const;
export type BudgetLevel = (typeof BUDGET_LEVELS)[number];

const BudgetViewSchema = v.object({
  /** Daily/monthly limits in USD; null when the user has not set one. */
  dailyUsd: v.nullable(usd),
  monthlyUsd: v.nullable(usd),
  /** Fraction of a budget (0-1) at which the warning colour starts. */
  warnAt: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  todayUsd: usd,
  monthUsd: usd,
  /** Month-to-date spend extrapolated at the month's average daily rate. */
  forecastMonthUsd: usd,
  /** Smallest amount left under any set budget; null when no budget is set. */
  leftUsd: v.nullable(usd),
  level: v.picklist(BUDGET_LEVELS),
  month: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}$/)),
  dayOfMonth: count,
  daysInMonth: count,
});

const RecentRequestSchema = v.object({
  ts: v.string(),
  model: v.string(),
  tier: v.string(),
  inputTokens: count,
  outputTokens: count,
  cacheReadTokens: count,
  usd,
  savedUsd: usd,
  status: v.string(),
  /** Seeded by the demo, not spent. */
  sample: v.optional(v.boolean()),
});

/** One stack of a daily chart: `key` is a model id (with its tier, when the price table knows it) or a tier name. */
const DailySeriesSchema = v.object({ key: v.string(), usd: v.array(usd), tier: v.optional(v.string()) });

export const DashboardDataSchema = v.object({
  workspaceName: v.string(),
  generatedAt: v.string(),
  /** UTC days, oldest first; every per-day series below is aligned with it. */
  days: v.array(isoDay),
  dailyByModel: v.array(DailySeriesSchema),
  dailyByTier: v.array(DailySeriesSchema),
  requestsByDay: v.array(count),
  cacheSavedByDay: v.array(usd),
  routingSavedByDay: v.array(usd),
  budget: BudgetViewSchema,
  /** Newest first. */
  recent: v.array(RecentRequestSchema),
  /** Lines the ledger reader skipped (torn or corrupt), shown so nothing is silently lost. */
  skippedLines: count,
  /** Lines shown above everything else: the simulated API, sample data in the ledger. */
  notes: v.optional(v.array(v.string())),
});

export type DashboardData = v.InferOutput<typeof DashboardDataSchema>;
export type BudgetView = v.InferOutput<typeof BudgetViewSchema>;
export type RecentRequest = v.InferOutput<typeof RecentRequestSchema>;
export type DailySeries = v.InferOutput<typeof DailySeriesSchema>;

export const RANGE_DAYS = [7, 30, 90] as const;
export type RangeDays = (typeof RANGE_DAYS)[number];

/** Extension → webview. */
export const ToDashboardSchema = v.variant('type', [
  v.object({ type: v.literal('data'), data: DashboardDataSchema }),
  v.object({ type: v.literal('error'), message: v.string() }),
]);
export type ToDashboard = v.InferOutput<typeof ToDashboardSchema>;

/** Webview → extension. */
export const FromDashboardSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('refresh') }),
  v.object({ type: v.literal('export'), format: v.picklist(['csv', 'json']) }),
  v.object({ type: v.literal('setBudget') }),
  v.object({ type: v.literal('openChat') }),
]);
export type FromDashboard = v.InferOutput<typeof FromDashboardSchema>;

/** Returns the message when it matches the protocol, else undefined (callers log and drop it). */
export function parseToDashboard(input: unknown): ToDashboard | undefined {
  const result = v.safeParse(ToDashboardSchema, input);
  return result.success ? result.output : undefined;
}

export function parseFromDashboard(input: unknown): FromDashboard | undefined {
  const result = v.safeParse(FromDashboardSchema, input);
  return result.success ? result.output : undefined;
}
