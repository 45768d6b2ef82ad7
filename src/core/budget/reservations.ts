import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { roundUsd, utcDate } from '../prices/cost.js';
import { formatUsd } from '../format.js';
import { checkBudget, type Budget, type BudgetDecision } from './budget.js';

/**
 * Hard budgets that hold across every process sharing a ledger (editor windows, `tally chat`, the
 * gateway). Before a request is sent, its worst case is reserved: every prompt token at the dearest
 * input rate plus `max_tokens` at the output rate, with `max_tokens` lowered to what the budget has
 * room for. Reservations are files under DIR/.budget, created under a lock file, so two processes
 * never both see the same room; each is removed once its request's ledger entry is written (entry
 * first, so a reader in between counts the money twice, never zero times).
 */

export interface WorstCase {
  /** Every prompt token at the dearest input rate (cache writes cost more than plain input). */
  inputUsd: number;
  /** USD per output token. */
  outputUsdPerToken: number;
  /** max_tokens asked for. */
  maxTokens: number;
  /** Tally's estimate of the request (what the user is shown, and what warnings compare). */
  estimateUsd: number;
}

export type Hold =
  | {
      granted: true;
      /** max_tokens to send: the request's, or lower so that its worst case fits in the budget. */
      maxTokens: number;
      reservedUsd: number;
      decision: BudgetDecision;
      /** Call after the request's ledger entry is written (or when it was never sent). */
      release(): void;
    }
  | { granted: false; decision: BudgetDecision };

export interface HoldRequest {
  workspace: string;
  budget: Budget;
  worst: WorstCase;
  /** The user chose "send anyway": the request goes, its worst case still reserved so others see it. */
  override?: boolean;
}

export interface BudgetGuard {
  hold(request: HoldRequest): Hold;
}

interface SpendSource {
  spend(workspace: string): { today: { usd: number }; thisMonth: { usd: number } };
  /** The day of a moment as the ledger counts days (the user's time zone); UTC without it. */
  day?(ms: number): string;
}

/** An answer shorter than this is not worth sending: refuse instead of truncating to nothing. */
export const MIN_USEFUL_OUTPUT_TOKENS = 32;
const LOCK_STALE_MS = 5_000;
const LOCK_WAIT_MS = 10_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Where reservations live: files shared by every process on a ledger, or memory for one process. */
export interface ReservationStore {
  /** Runs `work` so that no other holder (in any process) lists or adds reservations meanwhile. */
  exclusive<T>(work: () => T): T;
  /** Live reservations for `day` or later (older ones are dropped). */
  list(day: string): Reservation[];
  /** Adds one; the function removes it. */
  add(reservation: Reservation): () => void;
}

export interface Reservation {
  workspace: string;
  day: string;
  usd: number;
  pid: number;
}

/** The guard over a ledger directory shared with other processes: reservations in DIR/.budget. */
export function openBudgetGuard(ledgerDir: string, ledger: SpendSource, options: { now?: () => number } = {}): BudgetGuard {
  return createBudgetGuard(ledger, fileReservations(path.join(ledgerDir, '.budget')), options.now ?? Date.now);
}

/** A guard for one process only (tests, or a ledger that is not on disk). */
export function memoryBudgetGuard(ledger: SpendSource, now: () => number = Date.now): BudgetGuard {
  const held = new Set<Reservation>();
  const store: ReservationStore = {
    exclusive: (work) => work(),
    list: (day) => [...held].filter((r) => r.day >= day),
    add: (reservation) => {
      held.add(reservation);
      return () => held.delete(reservation);
    },
  };
  return createBudgetGuard(ledger, store, now);
}

function createBudgetGuard(ledger: SpendSource, store: ReservationStore, now: () => number): BudgetGuard {
  return {
    hold({ workspace, budget, worst, override = false }) {
      if (budget.dailyUsd === null && budget.monthlyUsd === null) {
        const spend = ledger.spend(workspace);
        const decision = checkBudget({
          budget,
          spentTodayUsd: spend.today.usd,
          spentMonthUsd: spend.thisMonth.usd,
          estimateUsd: worst.estimateUsd,
          override,
        });
        return { granted: true, maxTokens: worst.maxTokens, reservedUsd: 0, decision, release: () => {} };
      }
      return store.exclusive((): Hold => {
        const day = ledger.day ? ledger.day(now()) : utcDate(now());
        const spend = ledger.spend(workspace);
        const held = store.list(day).filter((r) => r.workspace === workspace);
        const heldToday = roundUsd(held.filter((r) => r.day === day).reduce((sum, r) => sum + r.usd, 0));
        const heldMonth = roundUsd(held.filter((r) => r.day.slice(0, 7) === day.slice(0, 7)).reduce((sum, r) => sum + r.usd, 0));
        const windows: Window[] = [
          { limit: 'daily', cap: budget.dailyUsd, spent: spend.today.usd, held: heldToday },
          { limit: 'monthly', cap: budget.monthlyUsd, spent: spend.thisMonth.usd, held: heldMonth },
        ];
        const decision = checkBudget({
          budget,
          spentTodayUsd: spend.today.usd + heldToday,
          spentMonthUsd: spend.thisMonth.usd + heldMonth,
          estimateUsd: worst.estimateUsd,
          override,
        });
        let maxTokens = worst.maxTokens;
        if (!override) {
          if (decision.action === 'refuse') return { granted: false, decision: explainRefusal(decision, windows, worst.estimateUsd) };
          // Lower max_tokens until the worst case fits every window.
          for (const window of windows) {
            if (window.cap === null) continue;
            const room = window.cap - window.spent - window.held - worst.inputUsd;
            maxTokens = Math.min(maxTokens, Math.floor(room / worst.outputUsdPerToken));
          }
          if (maxTokens < Math.min(MIN_USEFUL_OUTPUT_TOKENS, worst.maxTokens)) {
            const needed = worst.inputUsd + worst.outputUsdPerToken * MIN_USEFUL_OUTPUT_TOKENS;
            const tight = windows.find((w) => w.cap !== null && w.cap - w.spent - w.held < needed) ?? windows[0]!;
            return { granted: false, decision: worstCaseRefusal(tight, needed) };
          }
        }
        const usd = roundUsd(worst.inputUsd + maxTokens * worst.outputUsdPerToken);
        const release = store.add({ workspace, day, usd, pid: process.pid });
        return { granted: true, maxTokens, reservedUsd: usd, decision, release };
      });
    },
  };
}

/** Reservations as files in `dir`, one per request in flight, created and listed under a lock file. */
function fileReservations(dir: string): ReservationStore {
  const lockFile = path.join(dir, 'lock');
  return {
    exclusive(work) {
      fs.mkdirSync(dir, { recursive: true });
      const deadline = Date.now() + LOCK_WAIT_MS;
      for (;;) {
        try {
          fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          if (lockIsStale(lockFile)) fs.rmSync(lockFile, { force: true });
          else if (Date.now() > deadline) throw new Error(`budget lock ${lockFile} has been held for ${LOCK_WAIT_MS / 1000}s`);
          else Atomics.wait(sleeper, 0, 0, 1);
        }
      }
      try {
        return work();
      } finally {
        fs.rmSync(lockFile, { force: true });
      }
    },
    list(day) {
      const held: Reservation[] = [];
      for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.hold.json'))) {
        const file = path.join(dir, name);
        let reservation: Reservation;
        try {
          reservation = JSON.parse(fs.readFileSync(file, 'utf8')) as Reservation;
        } catch {
          continue; // removed while listing
        }
        // A reservation counts until its request is recorded; one left by a process that died counts
        // for the rest of its day (its request may have been billed and never recorded), then goes.
        if (reservation.day < day) fs.rmSync(file, { force: true });
        else held.push(reservation);
      }
      return held;
    },
    add(reservation) {
      const file = path.join(dir, `${randomUUID()}.hold.json`);
      fs.writeFileSync(file, JSON.stringify(reservation));
      return () => fs.rmSync(file, { force: true });
    },
  };
}

type Window = { limit: 'daily' | 'monthly'; cap: number | null; spent: number; held: number };

function explainRefusal(decision: BudgetDecision, windows: Window[], estimateUsd: number): BudgetDecision {
  const window = windows.find((w) => w.limit === decision.limit) ?? windows[0]!;
  const inFlight = window.held > 0 ? `, ${formatUsd(window.held)} held by requests in flight` : '';
  return {
    ...decision,
    message: `${window.limit} budget ${formatUsd(window.cap ?? 0)} would be exceeded (${formatUsd(window.spent)} spent${inFlight}, ~${formatUsd(estimateUsd)} this request); send anyway to override`,
  };
}

function worstCaseRefusal(window: Window, neededUsd: number): BudgetDecision {
  const left = Math.max(0, (window.cap ?? 0) - window.spent - window.held);
  const inFlight = window.held > 0 ? ` and ${formatUsd(window.held)} held by requests in flight` : '';
  return {
    action: 'refuse',
    limit: window.limit,
    dailyLeftUsd: null,
    monthlyLeftUsd: null,
    message:
      `${window.limit} budget ${formatUsd(window.cap ?? 0)} would be exceeded: ${formatUsd(window.spent)} spent${inFlight} leave ${formatUsd(left)}, ` +
      `and this request could cost up to ${formatUsd(neededUsd)} even with a short answer; send anyway to override`,
  };
}

function lockIsStale(file: string): boolean {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
      }
    }
    return Date.now() - fs.statSync(file).mtimeMs > LOCK_STALE_MS;
  } catch {
    return false; // gone already: the next attempt takes it
  }
}
