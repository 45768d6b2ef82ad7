import type { Budget } from '../core/budget/index.js';
import { defaultRouterConfig } from '../core/router/index.js';
import { DEFAULT_LOOP_REPEATS } from './defaults.js';
import type { RoutingPolicy } from './routing.js';

/** What the user decided about gateway traffic; read for each request, so a changed setting applies at once. */
export interface GatewayPolicy {
  budget: Budget;
  /** Refuse the same tool call this many times in a row; null turns the guard off. */
  loopGuardRepeats: number | null;
  routing: RoutingPolicy;
  /** Let Tally place cache breakpoints in requests that carry none. */
  placeCache: boolean;
}

export const DEFAULT_POLICY: GatewayPolicy = {
  budget: { dailyUsd: null, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null },
  loopGuardRepeats: DEFAULT_LOOP_REPEATS,
  routing: { config: defaultRouterConfig, byRules: false },
  placeCache: false,
};
