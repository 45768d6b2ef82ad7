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
  /** Whether this request must write the stable prefix (system + context) because it is not warm. */
  coldPrefix: boolean;
  /** The first question of the conversation (nothing says it will be followed up). */
  firstQuestion: boolean;
  /** Tokens this request writes to the cache with a plain plan. */
  writeTokens: number;
  /** Tokens up to the latest turn's breakpoint: what a lapsed entry makes the next turn write again. */
  protectedTokens: number;
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
      return { prefix: '5m', turn: '5m', reason: 'cached for 5 minutes (your tally.cacheTtl setting)' };
    case '1h':
      return { prefix: '1h', turn: '1h', reason: 'cached for 1 hour (your tally.cacheTtl setting)' };
    case '1h+5m':
      return { prefix: '1h', turn: '5m', reason: 'prompt cached for 1 hour, this turn for 5 minutes (your tally.cacheTtl setting)' };
    case 'auto':
      return chooseAutoTtls(inputs);
  }
}

/**
 * Buys the 1-hour entry only where it is expected to pay for itself. The entry that matters is the
 * one on the latest turn: it holds the whole prompt so far, and the next turn reads it.
 * - Warm prompt (only the new turn is written): 1h costs (w1h - w5m) more on those few tokens and
 *   saves rewriting the whole prompt if the next pause outlives 5 minutes: worth it as soon as such
 *   pauses are at all likely. Once one 1h entry exists, each turn extends the chain cheaply.
 * - Cold prompt (all of it is written): 1h costs w1h now; 5m costs w5m now and again after every
 *   lapse until a short pause lets a cheap 1h turn entry take over: w5m / (1 - p). So 1h only when
 *   pauses over 5 minutes are common (p > 1 - w5m/w1h, 37.5% at Anthropic's rates). A first
 *   question therefore costs what 5m costs: a single question never pays the premium.
 * 1-hour entries must come before 5-minute ones, so a 1h turn entry makes the prefix 1h too.
 */
export function chooseAutoTtls(inputs: TtlInputs): TtlChoice {
  const { rates } = inputs;
  const { pLapse, lapsesObserved } = thinkTimeStats(inputs.thinkTimesMs);
  const oneHour = inputs.coldPrefix
    ? !inputs.firstQuestion || pLapse > 1 - rates.cacheWrite5m / rates.cacheWrite1h
    : (rates.cacheWrite1h - rates.cacheWrite5m) * inputs.writeTokens <
      pLapse * (rates.cacheWrite5m - rates.cacheRead) * inputs.protectedTokens;
  const ttl: Ttl = oneHour ? '1h' : '5m';
  const observed = inputs.thinkTimesMs.length;
  const why = !inputs.coldPrefix
    ? oneHour
      ? 'a short turn on a warm prompt: an hour of cache costs little more'
      : 'a long turn you are likely to follow up at once'
    : oneHour
      ? 'the conversation is under way: a lapse would rewrite the whole prompt'
      : 'a first question never pays the 1-hour premium';
  const pauses = observed === 0 ? '' : `; ${lapsesObserved} of your last ${observed} pauses outlasted 5 minutes`;
  return { prefix: ttl, turn: ttl, reason: `auto cache: ${ttl === '1h' ? '1 hour' : '5 minutes'} (${why}${pauses})` };
}

export interface ThinkTimeStats {
  /** Chance the next pause outlives a 5-minute entry but not a 1-hour one (what 1h saves). */
  pLapse: number;
  lapsesObserved: number;
}

/** Share of pauses between 5 minutes and 1 hour, smoothed by the weak prior above. */
export function thinkTimeStats(thinkTimesMs: readonly number[]): ThinkTimeStats {
  const lapses = thinkTimesMs.filter((ms) => ms >= TTL_MS['5m'] && ms < TTL_MS['1h']).length;
  return { pLapse: (PRIOR_LONG + lapses) / (PRIOR_LONG + PRIOR_SHORT + thinkTimesMs.length), lapsesObserved: lapses };
}
