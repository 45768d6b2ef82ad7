import * as v from 'valibot';
import { isCalendarDate } from '../dates.js';

/** USD per million tokens. `1e999` parses as Infinity, which would price every request at $Infinity. */
const rate = v.pipe(
  v.number('must be a number (USD per million tokens)'),
  v.finite('must be a finite number'),
  v.minValue(0, 'must not be negative'),
);
const tokenCount = v.pipe(
  v.number('must be a number of tokens'),
  v.safeInteger('must be a whole number of tokens (at most 2^53)'),
  v.minValue(1, 'must be positive'),
);
const isoDate = v.pipe(v.string('must be a date string'), v.check(isCalendarDate, 'must be a calendar date as YYYY-MM-DD'));

export const TIERS = ['haiku', 'sonnet', 'opus', 'frontier'] as const;
export const TOKENIZER_FAMILIES = ['v3', 'v4.7', 'v5'] as const;

const rateCardEntries = {
  input: rate,
  cacheWrite5m: rate,
  cacheWrite1h: rate,
  cacheRead: rate,
  output: rate,
};

export const RateCardSchema = v.strictObject(rateCardEntries);

export const RatePeriodSchema = v.strictObject({
  /** First day (UTC) these rates apply; null for "since the model was released". */
  from: v.nullable(isoDate),
  ...rateCardEntries,
  /** Rates for every token of a request whose prompt is above the threshold. */
  longPrompt: v.optional(v.strictObject({ aboveTokens: tokenCount, ...rateCardEntries })),
});

const modelEntries = {
  id: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')),
  displayName: v.string('must be a string'),
  aliases: v.array(v.string('must be a string'), 'must be a list of names'),
  tier: v.picklist(TIERS, `must be one of ${TIERS.join(', ')}`),
  family: v.picklist(TOKENIZER_FAMILIES, `must be one of ${TOKENIZER_FAMILIES.join(', ')}`),
  contextWindow: tokenCount,
  maxOutput: tokenCount,
  minCacheableTokens: tokenCount,
  rates: v.pipe(v.array(RatePeriodSchema, 'must be a list of rate periods'), v.minLength(1, 'must have at least one rate period')),
};

export const ModelSchema = v.strictObject(modelEntries);

/** In a user's override file an entry may name an existing model by id and change only some fields. */
export const ModelOverrideSchema = v.strictObject({ ...v.partial(v.strictObject(modelEntries)).entries, id: modelEntries.id });

const sourceSchema = v.strictObject({ url: v.string(), checked: isoDate, note: v.optional(v.string()) });

export const PriceFileSchema = v.strictObject({
  source: sourceSchema,
  batchDiscount: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1)),
  tierDefaults: v.strictObject({ haiku: v.string(), sonnet: v.string(), opus: v.string(), frontier: v.string() }),
  models: v.array(ModelSchema),
});

export const PriceOverrideFileSchema = v.pipe(
  v.custom<Record<string, unknown>>(
    (input) => typeof input === 'object' && input !== null && !Array.isArray(input),
    'must be an object like {"models": [...]}, not a list or a value',
  ),
  v.strictObject({
    source: v.optional(sourceSchema),
    tierDefaults: v.optional(v.partial(v.strictObject({ haiku: v.string(), sonnet: v.string(), opus: v.string(), frontier: v.string() }))),
    models: v.optional(v.array(ModelOverrideSchema, 'must be a list of models')),
  }),
);

export type Tier = (typeof TIERS)[number];
export type TokenizerFamily = (typeof TOKENIZER_FAMILIES)[number];
export type RateCard = v.InferOutput<typeof RateCardSchema>;
export type RatePeriod = v.InferOutput<typeof RatePeriodSchema>;
export type ModelInfo = v.InferOutput<typeof ModelSchema>;
export type PriceFile = v.InferOutput<typeof PriceFileSchema>;
export type PriceOverrideFile = v.InferOutput<typeof PriceOverrideFileSchema>;
