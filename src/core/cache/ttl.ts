import type { RateCard } from '../prices/schema.js';

export type Ttl = '5m' | '1h';

/**
 * How long cache entries live. '5m' and '1h' put that TTL on every breakpoint; '1h+5m' puts 1h on
 * the stable prefix (system + context) and 5m on the latest turn; 'auto' chooses from how the user
 * works (observed think time between turns).
 */
export const CACHE_TTL_SETTINGS = ['5m', '1h', '1h+5m', 'auto'] as const;
export type CacheTtlSetting = (typeof CACHE_TTL_SETTINGS)[number];

export const TTL_MS: Record<Ttl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** TTLs for the two kinds of breakpoint, with why (shown to users in 'auto'). */
export interface TtlChoice {
  prefix: Ttl;
  turn: Ttl;
  reason: string;
}

export interface TtlInputs {
  setting: CacheTtlSetting;
  /** Think times observed so far in this conversation (and any earlier ones the caller keeps), ms. */
  thinkTimesMs: readonly number[];
  /** Turns sent so far in this conversation, this one included. */
  turnNumber: number;
  /** Prefix tokens (system + context) this request must write, 0 when the prefix is warm. */
  prefixWriteTokens: number;
  /** Tokens of the turn history (after the prefix) an expired turn entry would make us write again. */
  historyTokens: number;
  /** Tokens this request writes after the prefix (the new turn). */
  turnWriteTokens: number;
  rates: RateCard;
}

/**
 * Prior belief about think time before any is observed: half a "long" pause in two, i.e. a 25%
 * chance that a gap outlives a 5-minute entry. Weak on purpose: a few real gaps outweigh it.
 */
const PRIOR_LONG = 0.5;
const PRIOR_SHORT = 1.5;

export function chooseTtls(inputs: TtlInputs): TtlChoice {
  switch (inputs.setting) {
    case '5m':
      return { prefix: '5m', turn: '5m', reason: 'cache TTL 5m (setting)' };
    case '1h':
      return { prefix: '1h', turn: '1h', reason: 'cache TTL 1h (setting)' };
    case '1h+5m':
      return { prefix: '1h', turn: '5m', reason: 'cache TTL 1h on system+context, 5m on the turn (setting)' };
    case 'auto':
      return chooseAutoTtls(inputs);
  }
}

/**
 * Buys the 1-hour entry only where it is expected to pay for itself.
 * - Prefix: a 1h write costs (w1h - w5m) more per token once; it saves a full rewrite of the
 *   prefix (at w5m instead of a read) the first time a gap outlives 5 minutes over the turns still
 *   to come. The horizon is "as many more turns as so far" (a conversation that has lasted tends to
 *   go on), so a first question never pays the premium: a single question costs what 5m costs.
 * - Turn: the entry written for the latest turn only has to survive the next gap; 1h pays when the
 *   chance that gap is long, times the history a lapse would rewrite, beats the premium on the new turn.
 */
export function chooseAutoTtls(inputs: TtlInputs): TtlChoice {
  const { rates } = inputs;
  const premium = rates.cacheWrite1h - rates.cacheWrite5m;
  const rewriteLoss = rates.cacheWrite5m - rates.cacheRead;
  const stats = thinkTimeStats(inputs.thinkTimesMs);
  const pLapse = stats.pLongerThan5m - stats.pLongerThan1h;
  const horizon = Math.max(1, inputs.turnNumber);
  const pAnyLapse = 1 - Math.pow(1 - pLapse, horizon);

  const prefixPays = inputs.prefixWriteTokens > 0 && premium < pAnyLapse * rewriteLoss;
  const turnPays = premium * inputs.turnWriteTokens < pLapse * rewriteLoss * inputs.historyTokens;
  const turn: Ttl = turnPays ? '1h' : '5m';
  // 1-hour entries must come before 5-minute ones; a 1h turn entry makes the prefix 1h too.
  const prefix: Ttl = prefixPays || turn === '1h' ? '1h' : '5m';
  const observed = inputs.thinkTimesMs.length;
  const why =
    observed === 0
      ? 'no think time observed yet'
      : `${Math.round(stats.pLongerThan5m * 100)}% of pauses expected over 5 min (${stats.longObserved} of ${observed} so far)`;
  return { prefix, turn, reason: `cache TTL ${prefix === turn ? prefix : `${prefix} on system+context, ${turn} on the turn`} (auto: ${why})` };
}

export interface ThinkTimeStats {
  pLongerThan5m: number;
  pLongerThan1h: number;
  longObserved: number;
}

/** Share of gaps that outlive each TTL, smoothed by the weak prior above. */
export function thinkTimeStats(thinkTimesMs: readonly number[]): ThinkTimeStats {
  const over5m = thinkTimesMs.filter((ms) => ms >= TTL_MS['5m']).length;
  const over1h = thinkTimesMs.filter((ms) => ms >= TTL_MS['1h']).length;
  const total = PRIOR_LONG + PRIOR_SHORT + thinkTimesMs.length;
  return {
    pLongerThan5m: (PRIOR_LONG + over5m) / total,
    pLongerThan1h: (PRIOR_LONG * 0.1 + over1h) / total,
    longObserved: over5m,
  };
}
