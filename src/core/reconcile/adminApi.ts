import * as v from 'valibot';

// Anthropic's Usage and Cost Admin API, as documented: GET /v1/organizations/usage_report/messages and
// GET /v1/organizations/cost_report. Loose objects: fields Anthropic adds later are kept and ignored.

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const nullableString = v.optional(v.nullable(v.string()), null);

export const UsageResultSchema = v.looseObject({
  uncached_input_tokens: count,
  cache_read_input_tokens: count,
  cache_creation: v.looseObject({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count }),
  output_tokens: count,
  server_tool_use: v.optional(v.nullable(v.looseObject({ web_search_requests: v.optional(count, 0) }))),
  api_key_id: nullableString,
  workspace_id: nullableString,
  model: nullableString,
  service_tier: nullableString,
  context_window: nullableString,
});

export const CostResultSchema = v.looseObject({
  /** Lowest currency units (cents) as a decimal string: "123.45" in USD is $1.23. */
  amount: v.pipe(
    v.string(),
    v.check((text) => Number.isFinite(Number(text)), 'amount must be a decimal string'),
  ),
  currency: v.string(),
  cost_type: nullableString,
  description: nullableString,
  model: nullableString,
  service_tier: nullableString,
  token_type: nullableString,
  context_window: nullableString,
  workspace_id: nullableString,
});

const bucket = <T extends v.GenericSchema>(result: T) =>
  v.looseObject({ starting_at: v.string(), ending_at: v.string(), results: v.array(result) });

export const UsageReportSchema = v.looseObject({
  data: v.array(bucket(UsageResultSchema)),
  has_more: v.boolean(),
  next_page: v.optional(v.nullable(v.string()), null),
});
export const CostReportSchema = v.looseObject({
  data: v.array(bucket(CostResultSchema)),
  has_more: v.boolean(),
  next_page: v.optional(v.nullable(v.string()), null),
});

export type UsageResult = v.InferOutput<typeof UsageResultSchema>;
export type CostResult = v.InferOutput<typeof CostResultSchema>;
export type UsageReport = v.InferOutput<typeof UsageReportSchema>;
export type CostReport = v.InferOutput<typeof CostReportSchema>;

export const USAGE_REPORT_PATH = '/v1/organizations/usage_report/messages';
export const COST_REPORT_PATH = '/v1/organizations/cost_report';

/** cost_report's token_type values (the two cache-write types carry their TTL). */
export const COST_TOKEN_TYPES = {
  uncached_input_tokens: 'input',
  output_tokens: 'output',
  cache_read_input_tokens: 'cacheRead',
  'cache_creation.ephemeral_5m_input_tokens': 'cacheWrite5m',
  'cache_creation.ephemeral_1h_input_tokens': 'cacheWrite1h',
} as const;
