import type { PromptAnatomy } from '../anatomy.js';
import type { RouteInput, TaskClass } from '../types.js';

/**
 * One local signal about how much reasoning a request needs. Weights are on one axis:
 * negative = mechanical work (haiku), positive = more reasoning (sonnet, then opus).
 * The words come from the tier rubric's categories (what kind of task, what is at stake),
 * not from particular prompts, so they carry over to prompts the router has never seen.
 */
export interface Signal {
  id: string;
  /** Within a group only the strongest signal counts, so synonyms do not add up. */
  group: string;
  weight: number;
  /**
   * What the instruction asks for or what is at stake:
   * - mechanical: a transform or lookup the prompt's own content settles (pulls toward haiku);
   * - coding: everyday code work; all share one group, and alone they never reach opus;
   * - stakes: deep reasoning or a costly wrong answer; only these (net of mechanical ones) reach opus.
   * structural: what was pasted (code, trace, diff) or attached; ignored when the instruction only
   * asks for a mechanical transform of it. fallback: counts only when nothing else fired.
   */
  kind: 'mechanical' | 'coding' | 'stakes' | 'structural' | 'fallback';
  taskClass?: TaskClass;
  detect: (prompt: PromptAnatomy, input: RouteInput) => string | undefined;
  /** Short and human, built from what matched so it stays true to the prompt. */
  reason: (match: string) => string;
}

export interface SignalHit {
  signal: Signal;
  match: string;
}
