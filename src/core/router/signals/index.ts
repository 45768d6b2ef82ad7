import { CODING_SIGNALS } from './coding.js';
import { MECHANICAL_SIGNALS } from './mechanical.js';
import { PASTED_SIGNALS } from './pasted.js';
import { STAKES_SIGNALS } from './stakes.js';
import type { Signal } from './types.js';

export type { Signal, SignalHit } from './types.js';

/** Every local signal the classifier reads, by kind. */
export const SIGNALS: readonly Signal[] = [...MECHANICAL_SIGNALS, ...CODING_SIGNALS, ...STAKES_SIGNALS, ...PASTED_SIGNALS];
