import type { Usage } from '../prices/cost.js';

import type { RoutedTier } from '../tiers.js';

/** What kind of answer the prompt asks for; sets max_tokens. */
export const TASK_CLASSES = [
  'classify',
  'lookup',
  'naming',
  'summary',
  'extract',
  'transform',
  'annotate',
  'explain',
  'debug',
  'write',
  'review',
  'design',
  'investigate',
] as const;
export type TaskClass = (typeof TASK_CLASSES)[number];

/** The whole request as the router sees it, not just the typed text. */
export interface RouteInput {
  prompt: string;
  /** Tokens of attached context (open files, selections) sent with the prompt. */
  contextTokens?: number;
  attachedFiles?: number;
  /** Turns already in this conversation. */
  conversationTurns?: number;
  /** Tier the previous turn of this conversation was sent to. */
  previousTier?: RoutedTier;
}

export interface ClassifierCost {
  model: string;
  usage: Usage;
  usd: number;
}

export interface RouteDecision {
  tier: RoutedTier;
  model: string;
  /** 0 (mechanical) … 1 (frontier reasoning); tiers split at the classifier's thresholds. */
  score: number;
  /** Short, human, and true to what drove the choice. */
  reasons: string[];
  maxTokens: number;
  taskClass: TaskClass;
  /** Name of the workspace rule that decided the tier, when one did. */
  ruleApplied?: string;
  /** What the classifier model cost, in 'model' mode. */
  classifierCost?: ClassifierCost;
}
