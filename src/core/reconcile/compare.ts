// Tally's ledger against Anthropic's bill, per UTC day and model, with the likely reason for each difference.
// Pure: the CLI fetches the reports and reads the ledger; this only compares.
import { entryDay, type LedgerEntry } from '../ledger/index.js';
import { rateCardFor, splitUsage, type TokenSplit } from '../prices/cost.js';
import { resolveModel, type PriceTable } from '../prices/priceTable.js';
import type { ModelInfo } from '../prices/schema.js';
import { COST_TOKEN_TYPES, type CostReport, type UsageReport } from './adminApi.js';

export const FINDING_KINDS = [
  'match',
  'outside-tally',
  'not-billed',
  'estimated-usage',
  'cache-ttl',
  'price-change',
  'unexplained',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  /** One sentence a user can act on. */
  message: string;
  /** The API key the difference is on, where the usage report shows it. */
  apiKeyId?: string;
}

export interface ReconcileRow {
  day: string;
  /** Tally's model id where the price table knows the bill's name, else the bill's name. */
  model: string;
  ledger: { requests: number; estimated: number; tokens: TokenSplit; usd: number };
  bill: { tokens: TokenSplit; usd: number; byApiKey: Record<string, TokenSplit> };
  /** bill.usd - ledger.usd. */
  differenceUsd: number;
  findings: Finding[];
}

export interface Reconciliation {
  since: string;
  until: string;
  rows: ReconcileRow[];
  /** Costs the bill has that belong to no model (web search, code execution, ...), per day. */
  otherCosts: { day: string; costType: string; usd: number }[];
  totals: { ledgerUsd: number; billUsd: number; differenceUsd: number };
}

type TokenKey = keyof TokenSplit;
const TOKEN_KEYS: TokenKey[] = ['input', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead', 'output'];
const TOKEN_NAMES: Record<TokenKey, string> = {
  input: 'uncached input',
  cacheWrite5m: '5-minute cache writes',
  cacheWrite1h: '1-hour cache writes',
  cacheRead: 'cache reads',
  output: 'output',
};

const zero = (): TokenSplit => ({ input: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 0 });
const addInto = (into: TokenSplit, add: TokenSplit) => TOKEN_KEYS.forEach((key) => (into[key] += add[key]));
const totalTokens = (split: TokenSplit) => TOKEN_KEYS.reduce((sum, key) => sum + split[key], 0);
const sameTokens = (a: TokenSplit, b: TokenSplit) => TOKEN_KEYS.every((key) => a[key] === b[key]);
const usdText = (usd: number) => `$${Math.abs(usd) >= 1 ? usd.toFixed(2) : usd.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}`;
/** Price-table rates are USD per million tokens. */
const perMTok = (usdPerMillion: number) => `$${usdPerMillion.toFixed(2).replace(/\.00$/, '')}/MTok`;
/** Cost report amounts are cents with a few decimals, summed over many requests: a hundredth of a cent and 0.1% is noise. */
const usdTolerance = (usd: number) => Math.max(0.0001, Math.abs(usd) * 0.001);

interface Cell {
  day: string;
  model: string;
  info: ModelInfo | undefined;
  ledger: ReconcileRow['ledger'];
  billTokens: TokenSplit;
  byApiKey: Map<string, TokenSplit>;
  billUsd: number;
  /** Cost per token type, with the context window that priced it. */
  billByType: Map<TokenKey, { usd: number; longContext: boolean }>;
}

export interface CompareInput {
  since: string;
  until: string;
  entries: readonly LedgerEntry[];
  usage: UsageReport['data'];
  cost: CostReport['data'];
  priceTable: PriceTable;
  /** Today (UTC), for the note that today's report may still be filling in. */
  today: string;
}

export function reconcile(input: CompareInput): Reconciliation {
  const cells = new Map<string, Cell>();
  const modelOf = (name: string): { id: string; info: ModelInfo | undefined } => {
    try {
      const info = resolveModel(input.priceTable, name);
      return { id: info.id, info };
    } catch {
      return { id: name, info: undefined };
    }
  };
  const cell = (day: string, name: string): Cell => {
    const { id, info } = modelOf(name);
    const key = `${day}\u0000${id}`;
    let found = cells.get(key);
    if (!found) {
      found = {
        day,
        model: id,
        info,
        ledger: { requests: 0, estimated: 0, tokens: zero(), usd: 0 },
        billTokens: zero(),
        byApiKey: new Map(),
        billUsd: 0,
        billByType: new Map(),
      };
      cells.set(key, found);
    }
    return found;
  };

  for (const entry of input.entries) {
    const day = entryDay(entry);
    if (day < input.since || day > input.until) continue;
    const target = cell(day, entry.model);
    target.ledger.requests++;
    if (entry.usageEstimated) target.ledger.estimated++;
    addInto(target.ledger.tokens, splitUsage(entry.usage));
    target.ledger.usd += entry.usd;
  }

  for (const bucket of input.usage) {
    const day = bucket.starting_at.slice(0, 10);
    for (const result of bucket.results) {
      if (!result.model) continue;
      const split: TokenSplit = {
        input: result.uncached_input_tokens,
        cacheWrite5m: result.cache_creation.ephemeral_5m_input_tokens,
        cacheWrite1h: result.cache_creation.ephemeral_1h_input_tokens,
        cacheRead: result.cache_read_input_tokens,
        output: result.output_tokens,
      };
      const target = cell(day, result.model);
      addInto(target.billTokens, split);
      const apiKey = result.api_key_id ?? 'no API key (Console Workbench)';
      const perKey = target.byApiKey.get(apiKey) ?? zero();
      addInto(perKey, split);
      target.byApiKey.set(apiKey, perKey);
    }
  }

  const otherCosts = new Map<string, { day: string; costType: string; usd: number }>();
  for (const bucket of input.cost) {
    const day = bucket.starting_at.slice(0, 10);
    for (const result of bucket.results) {
      const usd = Number(result.amount) / 100;
      const tokenKey = result.token_type ? COST_TOKEN_TYPES[result.token_type as keyof typeof COST_TOKEN_TYPES] : undefined;
      if (!result.model || !tokenKey) {
        const costType = result.cost_type ?? 'other';
        const key = `${day}\u0000${costType}`;
        const other = otherCosts.get(key) ?? { day, costType, usd: 0 };
        other.usd += usd;
        otherCosts.set(key, other);
        continue;
      }
      const target = cell(day, result.model);
      target.billUsd += usd;
      const byType = target.billByType.get(tokenKey) ?? { usd: 0, longContext: false };
      byType.usd += usd;
      byType.longContext ||= result.context_window === '200k-1M';
      target.billByType.set(tokenKey, byType);
    }
  }

  const rows = [...cells.values()]
    .sort((a, b) => (a.day === b.day ? a.model.localeCompare(b.model) : a.day.localeCompare(b.day)))
    .map((c) => toRow(c, input.today));
  const ledgerUsd = rows.reduce((sum, row) => sum + row.ledger.usd, 0);
  const other = [...otherCosts.values()];
  const billUsd = rows.reduce((sum, row) => sum + row.bill.usd, 0) + other.reduce((sum, o) => sum + o.usd, 0);
  return {
    since: input.since,
    until: input.until,
    rows,
    otherCosts: other,
    totals: { ledgerUsd, billUsd, differenceUsd: billUsd - ledgerUsd },
  };
}

function toRow(c: Cell, today: string): ReconcileRow {
  const findings: Finding[] = [];
  const ledger = c.ledger.tokens;
  const bill = c.billTokens;
  const diff = zero();
  TOKEN_KEYS.forEach((key) => (diff[key] = bill[key] - ledger[key]));

  // Cache writes the bill priced at the other TTL: same number written, split differently.
  const writes = (split: TokenSplit) => split.cacheWrite5m + split.cacheWrite1h;
  if (writes(bill) === writes(ledger) && diff.cacheWrite1h !== 0) {
    const [recordedAs, billedAs] = diff.cacheWrite1h > 0 ? ['5-minute', '1-hour'] : ['1-hour', '5-minute'];
    const moved = Math.abs(diff.cacheWrite1h);
    const cost = c.info ? moved * rateGap(c.info, c.day) : undefined;
    findings.push({
      kind: 'cache-ttl',
      message:
        `cache writes priced at the wrong TTL: Tally recorded ${moved} cache-write tokens as ${recordedAs} writes, the bill has them as ${billedAs} writes` +
        (cost !== undefined ? ` (${usdText(Math.abs(cost))} ${diff.cacheWrite1h > 0 ? 'more' : 'less'} on the bill)` : '') +
        '; the client or a proxy dropped usage.cache_creation, so every write was taken as 5-minute',
    });
    diff.cacheWrite5m = 0;
    diff.cacheWrite1h = 0;
  }

  const more = TOKEN_KEYS.some((key) => diff[key] > 0);
  const fewer = TOKEN_KEYS.some((key) => diff[key] < 0);
  if (more && !fewer) {
    const key = [...c.byApiKey.entries()].find(([, split]) => sameTokens(split, diff))?.[0];
    const priced = c.info ? tokensUsd(c.info, c.day, diff) : undefined;
    const size = `${totalTokens(diff)} tokens${priced !== undefined ? ` (${usdText(priced)} at Tally's prices)` : ''}`;
    if (key)
      findings.push({
        kind: 'outside-tally',
        apiKeyId: key,
        message: `requests made outside Tally: ${size} on API key ${key}, none of them in Tally's ledger (meter that client through \`tally gateway\`, or run \`tally import\`)`,
      });
    else if (c.ledger.estimated > 0) findings.push(estimatedFinding(c, diff));
    else
      findings.push({
        kind: 'outside-tally',
        message: `requests made outside Tally: the bill has ${size} more than Tally's ledger, on API keys ${[...c.byApiKey.keys()].join(', ')}`,
      });
  } else if (fewer) {
    if (c.ledger.estimated > 0) findings.push(estimatedFinding(c, diff));
    else if (!more) {
      const priced = c.info ? tokensUsd(c.info, c.day, negate(diff)) : undefined;
      findings.push({
        kind: 'not-billed',
        message:
          `Tally recorded ${-totalTokens(diff)} tokens${priced !== undefined ? ` (${usdText(priced)})` : ''} this organization's bill does not have: ` +
          `requests paid another way (a Claude subscription, as Claude Code on Pro or Max is) or on another organization's key` +
          (c.day >= today ? "; today's report may also still be filling in (usage appears within minutes)" : ''),
      });
    } else
      findings.push({
        kind: 'unexplained',
        message: `token counts differ both ways (${describeDiff(diff)}); compare the requests of that day with \`tally report --since ${c.day} --until ${c.day}\``,
      });
  }

  if (c.billByType.size > 0 && c.info) {
    const changes = priceChanges(c);
    if (changes.length > 0)
      findings.push({
        kind: 'price-change',
        message: `a price change: Anthropic billed ${changes.join(', ')}; update the price table (a --prices file, or a newer Tally)`,
      });
  } else if (c.billByType.size > 0) {
    findings.push({
      kind: 'price-change',
      message: `the bill prices ${c.model}, a model Tally's price table does not know: add it with a --prices file`,
    });
  }

  if (findings.length === 0) findings.push({ kind: 'match', message: 'the ledger and the bill agree' });
  return {
    day: c.day,
    model: c.model,
    ledger: c.ledger,
    bill: { tokens: bill, usd: c.billUsd, byApiKey: Object.fromEntries(c.byApiKey) },
    differenceUsd: c.billUsd - c.ledger.usd,
    findings,
  };
}

function estimatedFinding(c: Cell, diff: TokenSplit): Finding {
  return {
    kind: 'estimated-usage',
    message: `Tally estimated the usage of ${c.ledger.estimated} of ${c.ledger.requests} requests (the server's usage was missing or not sane), and the bill differs from the estimate by ${describeDiff(diff)}`,
  };
}

/** Token types whose billed rate is not the rate Tally's table has for that day. */
function priceChanges(c: Cell): string[] {
  const changes: string[] = [];
  for (const [key, billed] of c.billByType) {
    const tokens = c.billTokens[key];
    if (tokens === 0) continue;
    const card = rateCardFor(c.info!, c.day, billed.longContext ? Number.MAX_SAFE_INTEGER : 0);
    const tallyRate = card[key];
    const expected = (tokens * tallyRate) / 1e6;
    if (Math.abs(billed.usd - expected) > usdTolerance(expected))
      changes.push(`${TOKEN_NAMES[key]} at ${perMTok((billed.usd / tokens) * 1e6)} where Tally's table has ${perMTok(tallyRate)}`);
  }
  return changes;
}

/** These tokens at the model's base rates that day (a day's sum is not one request, so no long-prompt band). */
function tokensUsd(model: ModelInfo, day: string, split: TokenSplit): number | undefined {
  try {
    const card = rateCardFor(model, day, 0);
    return TOKEN_KEYS.reduce((sum, key) => sum + (split[key] * card[key]) / 1e6, 0);
  } catch {
    return undefined;
  }
}

/** What one token costs more as a 1-hour write than as a 5-minute write. */
function rateGap(model: ModelInfo, day: string): number {
  const card = rateCardFor(model, day, 0);
  return (card.cacheWrite1h - card.cacheWrite5m) / 1e6;
}

function negate(split: TokenSplit): TokenSplit {
  const out = zero();
  TOKEN_KEYS.forEach((key) => (out[key] = -split[key]));
  return out;
}

function describeDiff(diff: TokenSplit): string {
  return TOKEN_KEYS.filter((key) => diff[key] !== 0)
    .map((key) => `${diff[key] > 0 ? '+' : ''}${diff[key]} ${TOKEN_NAMES[key]}`)
    .join(', ');
}
