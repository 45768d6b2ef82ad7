import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLedgerEntry, openLedger, type Ledger, type LedgerSource } from '../../src/core/ledger/index.js';
import type { Usage } from '../../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';

// A real ledger in a temporary directory, filled the way the chat engine fills it.

export const table = bundledPriceTable();
export const WORKSPACE = { path: '/home/dev/shop', name: 'shop' };
export const OTHER_WORKSPACE = { path: '/home/dev/blog', name: 'blog' };

export interface TestLedger {
  ledger: Ledger;
  dir: string;
  now: { ms: number };
  record(
    at: string,
    model: string,
    usage: Partial<Usage>,
    options?: {
      workspace?: { path: string; name: string };
      status?: 'ok' | 'error' | 'aborted';
      source?: LedgerSource;
      client?: string | null;
      /** Seeded by the demo. */
      sample?: boolean;
    },
  ): void;
  dispose(): void;
}

export function testLedger(nowIso: string): TestLedger {
  const dir = mkdtempSync(join(tmpdir(), 'tally-spend-'));
  const now = { ms: Date.parse(nowIso) };
  const ledger = openLedger(dir, { now: () => now.ms, priceTable: table, persistIndex: false });
  return {
    ledger,
    dir,
    now,
    record(at, model, usage, options = {}) {
      ledger.append({
        ...buildLedgerEntry(table, {
          startedAt: Date.parse(at),
          workspace: options.workspace ?? WORKSPACE,
          source: options.source ?? 'chat',
          client: options.client ?? null,
          conversationId: 'c1',
          model: resolveModel(table, model),
          defaultModel: resolveModel(table, 'sonnet'),
          usage: { input_tokens: 0, output_tokens: 0, ...usage },
          requestId: `req_${at}`,
          status: options.status ?? 'ok',
          durationMs: 1200,
        }),
        ...(options.sample ? { sample: true } : {}),
      });
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
