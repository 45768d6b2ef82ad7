import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { estimateSummary } from '../../src/extension/estimateSummary.js';
import { tierEstimates, type ComputedEstimate } from '../../src/extension/selectionEstimate.js';
import { DEFAULT_SETTINGS } from '../../src/extension/settings.js';

// The selection's estimate, as the one Tally status bar item's tooltip and screen-reader label carry it.

function estimate(fileName: string, reasons: string[]): ComputedEstimate {
  const tiers = tierEstimates(bundledPriceTable(), DEFAULT_SETTINGS.models, 'word '.repeat(1000), Date.parse('2026-11-29T00:00:00Z'));
  return { prompt: { text: 'word', source: 'selection', fileName, key: 'k' }, tiers, recommended: 'sonnet', reasons };
}

test('the tooltip section prices the selection on every tier and marks the recommended one', () => {
  const summary = estimateSummary(estimate('src/app.ts', ['mentions a refactor']));
  assert.match(summary.markdown, /^\*\*Cost of sending the selection\*\* \(src\/app\\\.ts\)/);
  assert.match(summary.markdown, /\| Claude Haiku[^|]* \| [\d.k]+ \| \$0\.\d+ \|/);
  assert.match(summary.markdown, /\| \*\*Claude Sonnet[^*]*\*\* ★ \| [\d.k]+ \| \$0\.\d+ \|/);
  assert.match(summary.markdown, /\| Claude Opus[^|]* \|/);
  assert.match(summary.markdown, /Recommended: sonnet, because mentions a refactor\./);
  assert.match(summary.markdown, /\[Every tier, or send to chat…\]\(command:tally\.estimateSelection\)/);
  assert.match(summary.spoken, /^Sending the selection: about \d+ tokens, \$0\.\d+ on Claude Sonnet/);
});

test('a file name or reason cannot add a command link to the (command-enabled) tooltip', () => {
  const summary = estimateSummary(estimate('[x](command:tally.clearApiKey).md', ['[y](command:evil)']));
  const links = [...summary.markdown.matchAll(/(?<!\\)\]\((?:command:[^)]*)\)/g)].map((m) => m[0]);
  assert.deepEqual(links, ['](command:tally.estimateSelection)']);
});
