import { readAnatomy } from './anatomy.js';
import { SIGNALS, type Signal, type SignalHit } from './signals/index.js';
import { type RouteInput, type TaskClass } from './types.js';
import { tierLabel, type RoutedTier } from '../tiers.js';

/** Raw-score cut points: below `haikuBelow` is mechanical work, from `opusFrom` up is frontier work. */
export const THRESHOLDS = { haikuBelow: -1, opusFrom: 3 } as const;

export interface Classification {
  tier: RoutedTier;
  /** 0 … 1, a logistic squash of the raw sum; 0.21 and 0.79 are the tier boundaries. */
  score: number;
  /** Sum of the signal weights that counted. */
  raw: number;
  reasons: string[];
  taskClass: TaskClass;
  hits: SignalHit[];
}

const MAX_REASONS = 3;
/** Coding signals set off by a word ("error", "faster") rather than a request to produce or change code. */
const TOPIC_WORDS: ReadonlySet<string> = new Set(['debug', 'make-faster', 'code-spec', 'produce-something']);
const FOLLOW_UP_CHARS = 300;
const INTENT_SIGNALS = SIGNALS.filter((s) => s.kind === 'mechanical' || s.kind === 'coding' || s.kind === 'stakes');
const STRUCTURAL_SIGNALS = SIGNALS.filter((s) => s.kind === 'structural');
const FALLBACK_SIGNALS = SIGNALS.filter((s) => s.kind === 'fallback');

/**
 * The local classifier: signals from the whole request, summed on one axis, cut into tiers.
 * Opus needs stakes (design, concurrency, security, incidents, money…) worth at least
 * `opusFrom` after subtracting mechanical signals; everyday coding signals alone never get there.
 */
export function classifyLocally(input: RouteInput): Classification {
  const prompt = readAnatomy(input.prompt);
  const run = (signals: readonly Signal[]) => strongestPerGroup(signals, (s) => s.detect(prompt, input));
  const found = run(INTENT_SIGNALS);
  const mechanical = found.some((hit) => hit.signal.kind === 'mechanical');
  // "extract the error codes", "is COUNT(*) faster": with a mechanical ask, coding words describe the data.
  const intents = mechanical ? found.filter((hit) => !TOPIC_WORDS.has(hit.signal.id)) : found;
  // Code pasted only to be reformatted, commented or mined for a field does not make the task harder.
  const structural = mechanical ? [] : run(STRUCTURAL_SIGNALS);
  const fallback = intents.length === 0 ? run(FALLBACK_SIGNALS) : [];
  const hits = [...intents, ...structural, ...fallback];

  if (intents.length === 0 && input.previousTier && prompt.chars < FOLLOW_UP_CHARS) {
    return followUp(input.previousTier, hits);
  }
  const sum = (list: SignalHit[]) => list.reduce((total, hit) => total + hit.signal.weight, 0);
  const stakes = sum(intents.filter((hit) => hit.signal.kind !== 'coding'));
  const total = sum(hits);
  // Keep the raw score consistent with the tier: below the opus cut unless the stakes reach it.
  const raw = stakes >= THRESHOLDS.opusFrom ? Math.max(total, stakes) : Math.min(total, THRESHOLDS.opusFrom - 0.1);
  const tier = tierFor(raw);
  const reasons = explain(tier, hits);
  if (mechanical && tier === 'haiku' && (prompt.codeLines >= 3 || prompt.traceLines >= 2)) {
    reasons.push('pasted material is only transformed, not reasoned about');
  }
  return { tier, score: squash(raw), raw: Math.round(raw * 100) / 100, reasons, taskClass: taskClassFor(tier, hits), hits };
}

export function tierFor(raw: number): RoutedTier {
  if (raw < THRESHOLDS.haikuBelow) return 'haiku';
  return raw >= THRESHOLDS.opusFrom ? 'opus' : 'sonnet';
}

/** Logistic squash centred between the two cut points, so 0.5 is the middle of the sonnet band. */
export function squash(raw: number): number {
  const centre = (THRESHOLDS.haikuBelow + THRESHOLDS.opusFrom) / 2;
  return Math.round(1000 / (1 + Math.exp(-(raw - centre) / 1.5))) / 1000;
}

function strongestPerGroup(signals: readonly Signal[], detect: (signal: Signal) => string | undefined): SignalHit[] {
  const byGroup = new Map<string, SignalHit>();
  for (const signal of signals) {
    const current = byGroup.get(signal.group);
    if (current && Math.abs(current.signal.weight) >= Math.abs(signal.weight)) continue;
    const match = detect(signal);
    if (match !== undefined) byGroup.set(signal.group, { signal, match });
  }
  return [...byGroup.values()];
}

/** The signals that pushed toward the chosen tier, strongest first. */
function explain(tier: RoutedTier, hits: SignalHit[]): string[] {
  const aligned = hits
    .filter((hit) =>
      tier === 'haiku' ? hit.signal.weight < 0 : tier === 'opus' ? hit.signal.weight > 0 && hit.signal.kind !== 'coding' : true,
    )
    .sort((a, b) => Math.abs(b.signal.weight) - Math.abs(a.signal.weight));
  const reasons = mergeSameReasons(aligned.map((hit) => hit.signal.reason(hit.match))).slice(0, MAX_REASONS);
  if (tier === 'sonnet') {
    const pulledDown = aligned.some((hit) => hit.signal.weight < 0);
    const pulledUp = aligned.some((hit) => hit.signal.weight > 0);
    if (pulledDown && pulledUp) reasons.push('mixed signals: settled on the middle tier');
    if (reasons.length === 0) reasons.push('no strong signal either way: the middle tier');
  }
  return reasons;
}

function taskClassFor(tier: RoutedTier, hits: SignalHit[]): TaskClass {
  const direction = tier === 'haiku' ? -1 : 1;
  const classed = hits
    .filter((hit) => hit.signal.taskClass && Math.sign(hit.signal.weight) === direction)
    .sort((a, b) => Math.abs(b.signal.weight) - Math.abs(a.signal.weight));
  return classed[0]?.signal.taskClass ?? (tier === 'haiku' ? 'lookup' : tier === 'opus' ? 'design' : 'write');
}

/** A short follow-up with no task words of its own ("now do the same for the other file"). */
function followUp(previousTier: RoutedTier, hits: SignalHit[]): Classification {
  const raw = previousTier === 'haiku' ? THRESHOLDS.haikuBelow - 1 : previousTier === 'opus' ? THRESHOLDS.opusFrom + 0.5 : 1;
  return {
    tier: previousTier,
    score: squash(raw),
    raw,
    reasons: [`short follow-up with no new task: stays on the conversation's tier (${tierLabel(previousTier)})`],
    taskClass: previousTier === 'haiku' ? 'lookup' : previousTier === 'opus' ? 'design' : 'write',
    hits,
  };
}

/**
 * Two signals can say the same thing ("money at stake (refund)", "money at stake (wrong total)"):
 * one line, with both matches, reads better than the same reason twice.
 */
export function mergeSameReasons(reasons: readonly string[]): string[] {
  const merged = new Map<string, string[]>();
  for (const reason of reasons) {
    const open = reason.indexOf(' (');
    const head = open > 0 && reason.endsWith(')') ? reason.slice(0, open) : reason;
    const detail = head === reason ? [] : [reason.slice(open + 2, -1)];
    const seen = merged.get(head);
    if (seen) seen.push(...detail.filter((d) => !seen.includes(d)));
    else merged.set(head, detail);
  }
  return [...merged].map(([head, details]) => (details.length > 0 ? `${head} (${details.join(', ')})` : head));
}
