import * as path from 'node:path';
import { openBudgetGuard, type BudgetGuard } from '../budget/reservations.js';
import type { PriceTable } from '../prices/priceTable.js';
import { openLedger, type Ledger, type LedgerOptions } from './ledger.js';

/** A ledger and the hard-budget guard over it, as a process shares them. */
export interface SharedLedger {
  ledger: Ledger;
  guard: BudgetGuard;
}

const open = new Map<string, { table: PriceTable; timeZone: string | undefined; shared: SharedLedger }>();

/**
 * The one ledger a process holds for `dir` (and its budget guard): the chat, the status bar, the
 * dashboard and the gateway of one editor window read the same running totals instead of keeping
 * their own. Reopened only when the price table or the time zone changes (its totals depend on them).
 */
export function sharedLedger(dir: string, table: PriceTable, options: Omit<LedgerOptions, 'priceTable'> = {}): SharedLedger {
  const key = path.resolve(dir);
  const existing = open.get(key);
  if (existing && existing.table === table && existing.timeZone === options.timeZone) return existing.shared;
  const ledger = openLedger(key, { ...options, priceTable: table });
  const shared = { ledger, guard: openBudgetGuard(key, ledger, options.now ? { now: options.now } : {}) };
  open.set(key, { table, timeZone: options.timeZone, shared });
  return shared;
}
