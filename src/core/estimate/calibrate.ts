import type { PromptLayout } from '../cache/planner.js';

/**
 * The layout with its blocks rescaled to exact counts: `exactTotal` for the whole request
 * (Anthropic's count_tokens for it) and, optionally, exact cumulative counts at some block indexes
 * (the prefixes cache breakpoints end at). Between anchors each block keeps its share of the
 * estimate; the frame stays. Prefix keys are unchanged: they hash text only.
 */
export function calibrateLayout(layout: PromptLayout, exactTotal: number, anchors: ReadonlyMap<number, number> = new Map()): PromptLayout {
  const count = layout.blocks.length;
  if (count === 0) return layout;
  const frame = (layout.cumulativeTokens.at(-1) ?? 0) - layout.blocks.reduce((sum, block) => sum + block.tokens, 0);
  // Anchors in order, each at least the one before it, ending at the last block with the total.
  const points: Array<[number, number]> = [[-1, frame]];
  for (const [index, tokens] of [...anchors].sort((a, b) => a[0] - b[0])) {
    if (index >= 0 && index < count - 1) points.push([index, Math.max(points.at(-1)![1], tokens)]);
  }
  points.push([count - 1, Math.max(points.at(-1)![1], exactTotal)]);
  const estimatedAt = (index: number) => (index < 0 ? frame : layout.cumulativeTokens[index]!);
  const cumulativeTokens: number[] = [];
  for (let p = 1; p < points.length; p++) {
    const [fromIndex, fromExact] = points[p - 1]!;
    const [toIndex, toExact] = points[p]!;
    const span = estimatedAt(toIndex) - estimatedAt(fromIndex);
    for (let index = fromIndex + 1; index <= toIndex; index++) {
      const share = span > 0 ? (estimatedAt(index) - estimatedAt(fromIndex)) / span : (index - fromIndex) / (toIndex - fromIndex);
      cumulativeTokens.push(index === toIndex ? toExact : fromExact + Math.round(share * (toExact - fromExact)));
    }
  }
  const blocks = layout.blocks.map((block, index) => ({
    ...block,
    tokens: cumulativeTokens[index]! - (index === 0 ? frame : cumulativeTokens[index - 1]!),
  }));
  return { blocks, prefixKeys: layout.prefixKeys, cumulativeTokens, stableEnd: layout.stableEnd };
}
