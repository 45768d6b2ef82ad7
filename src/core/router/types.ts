import type { Usage } from '../prices/cost.js';

/** The tiers the router chooses between, cheapest first. */
export const ROUTER_TIERS = ['haiku', 'sonnet', 'opus'] as const;
export type RouterTier = (typeof ROUTER_TIERS)[number];

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
  previousTier?: RouterTier;
}

export interface ClassifierCost {
  model: string;
  usage: Usage;
  usd: number;
}

export interface RouteDecision {
  tier: RouterTier;
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

export function tierRank(tier: string): number {
  const rank = (ROUTER_TIERS as readonly string[]).indexOf(tier);
  return rank === -1 ? (tier === 'frontier' ? ROUTER_TIERS.length : -1) : rank;
}

export function tierLabel(tier: string): string {
  return tier.charAt(0).toUpperCase() + tier.slice(1);
}
