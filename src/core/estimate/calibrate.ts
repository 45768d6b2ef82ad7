import type { PromptLayout } from '../cache/planner.js';

/**
 * The layout with its blocks rescaled so the whole request counts `exactTotal` (Anthropic's
 * count_tokens for it). Each block keeps its share of the estimate, the frame stays, and cumulative
 * counts are rounded so the last is exactly the total. Prefix keys are unchanged: they hash text only.
 */
export function calibrateLayout(layout: PromptLayout, exactTotal: number): PromptLayout {
  const estimated = layout.cumulativeTokens.at(-1) ?? 0;
  if (layout.blocks.length === 0 || estimated === exactTotal) return layout;
  const content = layout.blocks.reduce((sum, block) => sum + block.tokens, 0);
  const frame = estimated - content;
  const target = Math.max(0, exactTotal - frame);
  const scale = content > 0 ? target / content : 0;
  const cumulativeTokens: number[] = [];
  const blocks = layout.blocks.map((block, index) => {
    const isLast = index === layout.blocks.length - 1;
    const upTo = isLast ? target : Math.round((layout.cumulativeTokens[index]! - frame) * scale);
    const before = index === 0 ? 0 : cumulativeTokens[index - 1]! - frame;
    cumulativeTokens.push(frame + upTo);
    return { ...block, tokens: upTo - before };
  });
  return { blocks, prefixKeys: layout.prefixKeys, cumulativeTokens, stableEnd: layout.stableEnd };
}
