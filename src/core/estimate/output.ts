import type { TaskClass } from '../router/types.js';

/**
 * How long the answer will be, which nobody knows before sending: a range learned from this user's
 * own answers (the 20th to 80th percentile of the last answers per task class and model), else a
 * prior per task class. `max_tokens` bounds it: the worst case the budget reserves.
 */
export interface OutputRange {
  low: number;
  typical: number;
  high: number;
  /** Where the range comes from: this user's answers, or the prior for the task class. */
  source: 'history' | 'prior';
  /** Answers it was learned from (0 for the prior). */
  samples: number;
}

/** A past answer: its task class, the model that wrote it and its billed output tokens. */
export interface PastAnswer {
  taskClass: TaskClass | null;
  model: string;
  outputTokens: number;
}

export interface AnswerLengths {
  rangeFor(taskClass: TaskClass | undefined, model: string): OutputRange;
  /** Learns one more answer (a turn just answered), so the range follows the session. */
  add(answer: PastAnswer): void;
}

/** Answers per (task class, model) the range is learned from: recent enough to follow a change in habits. */
export const HISTORY_WINDOW = 200;
/** Fewer answers than this and the prior is used: a range from three answers says little. */
export const MIN_HISTORY = 8;

/** Typical answer lengths per task class, in output tokens: [20th percentile, median, 80th percentile]. */
const PRIORS: Record<TaskClass, [number, number, number]> = {
  classify: [5, 20, 80],
  lookup: [60, 150, 350],
  naming: [20, 60, 150],
  summary: [150, 300, 600],
  extract: [80, 250, 700],
  transform: [200, 600, 1500],
  annotate: [200, 500, 1200],
  explain: [250, 500, 1000],
  debug: [300, 600, 1300],
  write: [400, 900, 2000],
  review: [300, 700, 1400],
  design: [600, 1200, 2600],
  investigate: [500, 1000, 2200],
};
/** A question whose task class is unknown (a draft not yet routed, a plain count). */
const DEFAULT_PRIOR: [number, number, number] = [200, 500, 1200];

export function priorRange(taskClass: TaskClass | undefined): OutputRange {
  const [low, typical, high] = taskClass ? PRIORS[taskClass] : DEFAULT_PRIOR;
  return { low, typical, high, source: 'prior', samples: 0 };
}

/** Learns ranges from past answers, newest last (e.g. ledger entries of chat turns). */
export function answerLengthsFrom(answers: readonly PastAnswer[]): AnswerLengths {
  const byKey = new Map<string, number[]>();
  const push = (key: string, tokens: number) => {
    const list = byKey.get(key) ?? [];
    list.push(tokens);
    if (list.length > HISTORY_WINDOW) list.shift();
    byKey.set(key, list);
  };
  const add = (answer: PastAnswer) => {
    if (answer.outputTokens <= 0) return;
    push(`${answer.taskClass ?? ''}\n${answer.model}`, answer.outputTokens);
    push(`${answer.taskClass ?? ''}\n`, answer.outputTokens);
  };
  for (const answer of answers) add(answer);
  return {
    add,
    rangeFor(taskClass, model) {
      for (const key of [`${taskClass ?? ''}\n${model}`, `${taskClass ?? ''}\n`]) {
        const list = byKey.get(key);
        if (list && list.length >= MIN_HISTORY) return rangeOf(list);
      }
      return priorRange(taskClass);
    },
  };
}

function rangeOf(tokens: readonly number[]): OutputRange {
  const sorted = [...tokens].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
  return { low: at(0.2), typical: at(0.5), high: at(0.8), source: 'history', samples: sorted.length };
}

/** One answer length for every question (`tally estimate --output-tokens N`). */
export function fixedAnswerLength(tokens: number): AnswerLengths {
  const range: OutputRange = { low: tokens, typical: tokens, high: tokens, source: 'prior', samples: 0 };
  return { rangeFor: () => range, add: () => {} };
}
