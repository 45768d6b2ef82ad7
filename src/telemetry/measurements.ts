// What one ledger entry adds to each metric. Pure: the same entry always gives the same points, and the
// money comes from the ledger's own math (entry.usd, entryTotals' savings split), never re-derived here,
// so a PromQL sum over these counters equals `tally report` over the same requests.
import { entryDay, entryTotals, type LedgerEntry } from '../core/ledger/index.js';
import { promptTokens, splitUsage } from '../core/prices/cost.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import type { ModelInfo } from '../core/prices/schema.js';
import type { TelemetryTags } from './config.js';

export type Attributes = Record<string, string>;

/** Instrument names, units and kinds: the shapes existing dashboards read (GenAI semantic conventions, Claude Code's counters). */
export const INSTRUMENTS = {
  cost: {
    name: 'tally.cost.usage',
    unit: '{USD}',
    kind: 'counter',
    description: 'Cost of requests in US dollars, as recorded in the Tally ledger',
  },
  tokens: {
    name: 'tally.token.usage',
    unit: '{token}',
    kind: 'counter',
    description: 'Tokens by type: input (uncached), output, cacheRead, cacheCreation',
  },
  requests: { name: 'tally.requests', unit: '{request}', kind: 'counter', description: 'Requests recorded in the ledger, by status' },
  cacheSavings: {
    name: 'tally.cache.savings',
    unit: '{USD}',
    kind: 'updown',
    description: 'What prompt caching saved in US dollars (negative when cache writes cost more than reads saved)',
  },
  routingSavings: {
    name: 'tally.routing.savings',
    unit: '{USD}',
    kind: 'updown',
    description: 'What routing saved against the default model in US dollars (negative when it chose a dearer model)',
  },
  genAiTokens: {
    name: 'gen_ai.client.token.usage',
    unit: '{token}',
    kind: 'histogram',
    description: 'Number of input and output tokens used',
  },
  genAiDuration: { name: 'gen_ai.client.operation.duration', unit: 's', kind: 'histogram', description: 'GenAI operation duration' },
} as const;

export type InstrumentKey = keyof typeof INSTRUMENTS;

/** The GenAI semantic conventions' advised bucket boundaries. */
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export interface Measurement {
  instrument: InstrumentKey;
  value: number;
  attributes: Attributes;
}

export interface MeasureContext {
  priceTable: PriceTable;
  models: ReadonlyMap<string, ModelInfo>;
  tags: TelemetryTags;
}

/** Who and what a request was, as labels: never prompt text, never keys, never a path. */
export function commonAttributes(entry: LedgerEntry, tags: TelemetryTags): Attributes {
  const attributes: Attributes = {
    source: entry.source,
    client: entry.client ?? 'unknown',
    workspace: entry.workspace.name,
  };
  if (tags.team) attributes.team = tags.team;
  if (tags.costCenter) attributes.cost_center = tags.costCenter;
  if (tags.userEmail) attributes['user.email'] = tags.userEmail;
  return attributes;
}

export function entryMeasurements(entry: LedgerEntry, context: MeasureContext): Measurement[] {
  const totals = entryTotals(entry, context.models, context.priceTable, entryDay(entry));
  const split = splitUsage(entry.usage);
  const common = commonAttributes(entry, context.tags);
  const spend = { ...common, model: entry.model, tier: entry.tier };
  const genAi = {
    ...common,
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': entry.model,
  };
  const tokens: [string, number][] = [
    ['input', split.input],
    ['output', split.output],
    ['cacheRead', split.cacheRead],
    ['cacheCreation', split.cacheWrite5m + split.cacheWrite1h],
  ];
  return [
    { instrument: 'cost', value: entry.usd, attributes: spend },
    ...tokens.map(([type, value]): Measurement => ({ instrument: 'tokens', value, attributes: { ...spend, type } })),
    { instrument: 'requests', value: 1, attributes: { ...spend, status: entry.status } },
    { instrument: 'cacheSavings', value: totals.cacheSavingsUsd, attributes: spend },
    { instrument: 'routingSavings', value: totals.routingSavingsUsd, attributes: spend },
    // GenAI conventions count every prompt token as input, cached or not.
    { instrument: 'genAiTokens', value: promptTokens(split), attributes: { ...genAi, 'gen_ai.token.type': 'input' } },
    { instrument: 'genAiTokens', value: split.output, attributes: { ...genAi, 'gen_ai.token.type': 'output' } },
    {
      instrument: 'genAiDuration',
      value: entry.durationMs / 1000,
      attributes: entry.status === 'ok' ? genAi : { ...genAi, 'error.type': entry.status },
    },
  ];
}
