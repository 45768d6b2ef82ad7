// One ledger entry per request that reached the upstream, whatever happened after: priced from
// the usage the server reported where it is sane, from Tally's estimate where it is not. An entry
// the ledger cannot take is kept aside by the ledger itself (memory and a side file) and said so.
import { buildLedgerEntry, type Ledger, type LedgerEntry, type LedgerSource, type LedgerStatus } from '../core/ledger/index.js';
import type { Usage } from '../core/prices/cost.js';
import { resolveModel, type PriceTable } from '../core/prices/priceTable.js';
import { TIERS, type ModelInfo, type Tier } from '../core/prices/schema.js';
import type { Workspace } from './access.js';
import type { MeterReading, UsageEstimate } from './meter.js';

export interface FinishedRequest {
  startedAt: number;
  durationMs: number;
  workspace: Workspace;
  client: string | null;
  requestId: string | null;
  /** The model the request asked for, after any routing (read only when the reply does not say). */
  requestedModel: () => string | null;
  /** True when Tally's router chose the model (savings are then measured against the default model). */
  routed: boolean;
  reasons: string[];
  /** The upstream's HTTP status, or null when it never answered. */
  upstreamStatus: number | null;
  reading: MeterReading;
  status: LedgerStatus;
  /** Tally's estimate of the request: prompt tokens, and output from what the reply carried. */
  estimate: (outputText: string) => UsageEstimate;
}

export interface Recorder {
  /** Appends the request's entry; returns it. */
  record(request: FinishedRequest): LedgerEntry;
}

export interface RecorderOptions {
  ledger: Pick<Ledger, 'append'>;
  priceTable: PriceTable;
  /** The model savings are measured against for routed requests (default: the sonnet tier). */
  defaultModel?: string;
  onProblem: (message: string) => void;
  /** How entries are recorded: 'gateway' (default), or 'vscode-chat' for VS Code's own Chat through the same pipeline. */
  source?: LedgerSource;
}

const ZERO: Usage = { input_tokens: 0, output_tokens: 0 };

export function createRecorder(options: RecorderOptions): Recorder {
  const { ledger, priceTable: table, onProblem } = options;
  const defaultModel = resolveModel(table, options.defaultModel ?? 'sonnet');
  return {
    record(request) {
      const { usage, estimated, problem } = usageOf(request);
      if (problem) onProblem(`${request.requestId ?? 'a request'}: the upstream's usage ${problem}; recorded Tally's estimate`);
      const priced = pricedModel(table, request.reading.model ?? request.requestedModel());
      const reasons = priced.note ? [...request.reasons, priced.note] : request.reasons;
      const entry = buildLedgerEntry(table, {
        startedAt: request.startedAt,
        workspace: request.workspace,
        source: options.source ?? 'gateway',
        client: request.client,
        messageId: request.reading.messageId,
        usageEstimated: estimated,
        model: priced.model,
        defaultModel: request.routed ? defaultModel : priced.model,
        routedReasons: reasons,
        usage,
        requestId: request.requestId,
        status: request.status,
        durationMs: request.durationMs,
      });
      const written = ledger.append(entry);
      if (!written.written) {
        onProblem(
          `${written.reason}; the entry is kept ${written.keptIn ? `in ${written.keptIn}` : 'in memory'} and added once the ledger can be written`,
        );
      }
      return entry;
    },
  };
}

function usageOf(request: FinishedRequest): { usage: Usage; estimated: boolean; problem: string | null } {
  const status = request.upstreamStatus;
  // An error status from the API is not billed: nothing was generated.
  if (status !== null && (status < 200 || status >= 300)) return { usage: ZERO, estimated: false, problem: null };
  const reading = request.reading;
  const sane = reading.usage.reading(() => request.estimate(reading.outputText));
  // Nothing reported at all (the connection failed, or the client left, first) is expected, not a server fault.
  return { ...sane, problem: reading.sawDelta || reading.messageId ? sane.problem : null };
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
