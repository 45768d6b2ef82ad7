import { formatTokens, formatUsd } from '../core/format.js';
import type { ComputedEstimate } from './selectionEstimate.js';
import { escapeMarkdown } from './spend/statusBarText.js';

// Pure: how the selection's estimate reads in the spend status bar item (its tooltip and what a
// screen reader says), so what the user reads is unit-tested. No estimator code: this loads at activation.

export interface EstimateSummary {
  /** A Markdown section for the tooltip: the cost per tier, the recommendation and its reasons. */
  markdown: string;
  /** One sentence for the item's accessibility label. */
  spoken: string;
}

export function estimateSummary(estimate: ComputedEstimate): EstimateSummary {
  const shown = estimate.tiers.find((t) => t.tier === estimate.recommended) ?? estimate.tiers[1] ?? estimate.tiers[0];
  const rows = estimate.tiers.map(
    (t) =>
      `| ${t.tier === estimate.recommended ? '**' + t.displayName + '** ★' : t.displayName} | ${formatTokens(t.inputTokens)} | ${formatUsd(t.usd)} |`,
  );
  const markdown = [
    `**Cost of sending the ${estimate.prompt.source}** (${escapeMarkdown(estimate.prompt.fileName)})`,
    '',
    '| Model | Tokens | Cost |',
    '|:--|--:|--:|',
    ...rows,
    '',
    `Recommended: ${estimate.recommended}, because ${escapeMarkdown(estimate.reasons.join('; ') || 'it is the default tier')}.`,
    `Costs include a typical ${estimate.tiers[0]?.outputTokens ?? 0}-token answer, sent uncached.`,
    '',
    '[Every tier, or send to chat…](command:tally.estimateSelection)',
  ].join('\n');
  const spoken = shown
    ? `Sending the ${estimate.prompt.source}: about ${shown.inputTokens} tokens, ${formatUsd(shown.usd)} on ${shown.displayName}`
    : `Sending the ${estimate.prompt.source}`;
  return { markdown, spoken };
}
