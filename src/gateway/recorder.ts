// One ledger entry per request that reached the upstream, whatever happened after: priced from
// the usage the server reported where it is sane, from Tally's estimate where it is not. An entry
// the ledger cannot take is kept and retried, never dropped.
import { buildLedgerEntry, type Ledger, type LedgerEntry, type LedgerStatus } from '../core/ledger/index.js';
import type { Usage } from '../core/prices/cost.js';
import { resolveModel, type PriceTable } from '../core/prices/priceTable.js';
import { TIERS, type ModelInfo, type Tier } from '../core/prices/schema.js';
import type { Workspace } from './access.js';
import type { MeterReading } from './meter.js';
import { sanitizeUsage, type UsageEstimate } from './usage.js';

export interface FinishedRequest {
  startedAt: number;
  durationMs: number;
  workspace: Workspace;
  client: string | null;
  requestId: string | null;
  /** The model the request asked for, after any routing. */
  requestedModel: string | null;
  /** True when Tally's router chose the model (savings are then measured against the default model). */
  routed: boolean;
  reasons: string[];
  /** The upstream's HTTP status, or null when it never answered. */
  upstreamStatus: number | null;
  reading: MeterReading | null;
  status: LedgerStatus;
  /** Tally's estimate of the request: prompt tokens, and output from what the reply carried. */
  estimate: (outputText: string) => UsageEstimate;
}

export interface Recorder {
  /** Appends the request's entry (or keeps it for a retry); returns it. */
  record(request: FinishedRequest): LedgerEntry;
  /** Entries still waiting for the ledger. */
  pending(): LedgerEntry[];
  /** Tries the waiting entries again; returns how many are still waiting. */
  retry(): number;
}

export interface RecorderOptions {
  ledger: Pick<Ledger, 'append'>;
  priceTable: PriceTable;
  /** The model savings are measured against for routed requests (default: the sonnet tier). */
  defaultModel?: string;
  onProblem: (message: string) => void;
}

const ZERO: Usage = { input_tokens: 0, output_tokens: 0 };

export function createRecorder(options: RecorderOptions): Recorder {
  const { ledger, priceTable: table, onProblem } = options;
  const defaultModel = resolveModel(table, options.defaultModel ?? 'sonnet');
  const waiting: LedgerEntry[] = [];

  const append = (entry: LedgerEntry): boolean => {
    try {
      ledger.append(entry);
      return true;
    } catch (error) {
      onProblem(`could not write to the ledger (${(error as Error).message}); the entry is kept and retried`);
      return false;
    }
  };

  const retry = () => {
    while (waiting.length > 0 && append(waiting[0]!)) waiting.shift();
    return waiting.length;
  };

  return {
    record(request) {
      const { usage, estimated } = usageOf(request);
      const priced = pricedModel(table, request.reading?.model ?? request.requestedModel);
      const reasons = priced.note ? [...request.reasons, priced.note] : request.reasons;
      const entry = buildLedgerEntry(table, {
        startedAt: request.startedAt,
        workspace: request.workspace,
        source: 'gateway',
        client: request.client,
        messageId: request.reading?.messageId ?? null,
        usageEstimated: estimated,
        model: priced.model,
        defaultModel: request.routed ? defaultModel : priced.model,
        routedReasons: reasons,
        usage,
        requestId: request.requestId,
        status: request.status,
        durationMs: request.durationMs,
      });
      if (retry() > 0 || !append(entry)) waiting.push(entry);
      return entry;
    },
    pending: () => [...waiting],
    retry,
  };
}

function usageOf(request: FinishedRequest): { usage: Usage; estimated: boolean } {
  const status = request.upstreamStatus;
  // An error status from the API is not billed: nothing was generated.
  if (status !== null && (status < 200 || status >= 300)) return { usage: ZERO, estimated: false };
  const reading = request.reading;
  const estimate = () => request.estimate(reading?.outputText ?? '');
  if (!reading?.reported) {
    // Sent, but no usage came back (the connection failed, or the client left, before it did).
    const guess = estimate();
    return { usage: { input_tokens: guess.inputTokens, output_tokens: guess.outputTokens }, estimated: true };
  }
  const sane = sanitizeUsage(reading.reported, estimate);
  if (reading.sawDelta) return sane;
  // The stream ended before message_delta: message_start's output count is a placeholder, the text received says more.
  const output = Math.max(sane.usage.output_tokens, estimate().outputTokens);
  return { usage: { ...sane.usage, output_tokens: output }, estimated: true };
}

/** A model the price table knows; an unknown one is priced as the dearest model of its tier (or of all), and says so. */
export function pricedModel(table: PriceTable, name: string | null): { model: ModelInfo; note: string | null } {
  const wanted = name?.trim() ?? '';
  for (const candidate of [wanted, wanted.replace(/-\d{8}$/, '')]) {
    if (!candidate) continue;
    try {
      return { model: resolveModel(table, candidate), note: null };
    } catch {
      // not this spelling; try the next
    }
  }
  const tier = (TIERS as readonly Tier[]).find((t) => wanted.toLowerCase().includes(t));
  const pool = table.models.filter((model) => !tier || model.tier === tier);
  const dearest = (pool.length > 0 ? pool : table.models).reduce((a, b) => (outputRate(b) > outputRate(a) ? b : a));
  return { model: dearest, note: `price: model "${wanted || 'unknown'}" is not in Tally's price table; priced as ${dearest.id}` };
}

function outputRate(model: ModelInfo): number {
  return Math.max(...model.rates.map((rate) => rate.output));
}
