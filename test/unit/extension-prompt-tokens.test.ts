import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimatePlainRequest } from '../../src/core/estimate/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { estimateTextTokens } from '../../src/core/tokens/estimator.js';
import { mergeEdits, PromptTokens, ROUTER_EDGE_CHARS, routerInput, type TextEdit } from '../../src/extension/promptTokens.js';
import { DEFAULT_SETTINGS } from '../../src/extension/settings.js';
import { tierEstimates, tierEstimatesFromCounts } from '../../src/extension/selectionEstimate.js';

const FAMILIES = ['v3', 'v4.7', 'v5'] as const;

function apply(text: string, edit: TextEdit, inserted: string): string {
  assert.equal(inserted.length, edit.insertedLength);
  return text.slice(0, edit.offset) + inserted + text.slice(edit.offset + edit.removedLength);
}

/** A deterministic burst of typing, deleting and pasting at scattered places. */
function burst(start: string, steps: number): { text: string; edits: TextEdit[] } {
  let text = start;
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const edits: TextEdit[] = [];
  for (let i = 0; i < steps; i++) {
    const offset = next() % (text.length + 1);
    const removedLength = Math.min(next() % 4 === 0 ? next() % 30 : 0, text.length - offset);
    const inserted = ['a', ' ', '\n', 'función ', '{"k": 1}', ''][next() % 6]!;
    const edit = { offset, removedLength, insertedLength: inserted.length };
    text = apply(text, edit, inserted);
    edits.push(edit);
  }
  return { text, edits };
}

const PROSE = 'Summarise the failures in this log and say which service to look at first.\n'.repeat(4000);

test('edits merged into one span rebuild the same text as applying them one by one', () => {
  const { text, edits } = burst(PROSE.slice(0, 5000), 40);
  let merged = edits[0]!;
  for (const edit of edits.slice(1)) merged = mergeEdits(merged, edit);
  const original = PROSE.slice(0, 5000);
  const rebuilt =
    original.slice(0, merged.offset) +
    text.slice(merged.offset, merged.offset + merged.insertedLength) +
    original.slice(merged.offset + merged.removedLength);
  assert.equal(rebuilt, text);
});

test('counts kept across keystrokes on a large prompt file equal a full recount, for every tier family', () => {
  const tokens = new PromptTokens();
  assert.equal(tokens.counts('file:a.md', PROSE)('v5'), estimateTextTokens(PROSE, 'v5'));
  let text = PROSE;
  for (let round = 0; round < 5; round++) {
    const typed = burst(text, 12);
    tokens.noteEdits('file:a.md', typed.edits);
    tokens.noteEdits('file:other.md', [{ offset: 0, removedLength: 5, insertedLength: 0 }]); // another file: ignored
    text = typed.text;
    const counts = tokens.counts('file:a.md', text);
    for (const family of FAMILIES) assert.equal(counts(family), estimateTextTokens(text, family), `${family} after round ${round}`);
  }
  // A selection replaces the file; its counts are its own.
  const selection = 'explain this function';
  assert.equal(tokens.counts('selection:a.md', selection)('v3'), estimateTextTokens(selection, 'v3'));
});

test('wrong or missing edit reports never give wrong figures (the texts are compared instead)', () => {
  const tokens = new PromptTokens();
  tokens.counts('file:a.md', PROSE);
  tokens.noteEdits('file:a.md', [{ offset: 10, removedLength: 0, insertedLength: 3 }]); // says +3, text changed by -1
  const text = PROSE.slice(1);
  assert.equal(tokens.counts('file:a.md', text)('v4.7'), estimateTextTokens(text, 'v4.7'));
  const unreported = `${text}and one more line\n`;
  assert.equal(tokens.counts('file:a.md', unreported)('v5'), estimateTextTokens(unreported, 'v5'));
});

test('per-tier figures from shared counts equal the per-model estimate of the text', () => {
  const table = bundledPriceTable();
  const now = Date.parse('2026-11-29T12:00:00Z');
  const fromCounts = tierEstimatesFromCounts(table, DEFAULT_SETTINGS.models, (family) => estimateTextTokens(PROSE, family), now);
  assert.deepEqual(fromCounts, tierEstimates(table, DEFAULT_SETTINGS.models, PROSE, now));
  for (const tier of fromCounts) {
    // The status bar prices through the one estimate: the same figures as estimating the text directly.
    const direct = estimatePlainRequest(table, resolveModel(table, tier.model), { message: PROSE }, { nowMs: now });
    assert.equal(tier.inputTokens, direct.inputTokens);
    assert.equal(tier.usd, direct.usd.typical);
  }
});

test('the router reads only both ends of a huge prompt, and the rest still counts by size', () => {
  const question = 'Why does the payment worker deadlock under load? Find the root cause.';
  const huge = `${'2026-11-29T12:00:00Z INFO worker-3 processed job 8812 in 41ms\n'.repeat(16_000)}${question}`;
  const input = routerInput(huge, 400_000);
  assert.ok(input.prompt.length <= 2 * ROUTER_EDGE_CHARS + 5, `${input.prompt.length} characters`);
  assert.ok(input.prompt.endsWith(question) && input.prompt.startsWith('2026-11-29T12:00:00Z INFO'));
  assert.ok((input.contextTokens ?? 0) > 390_000, `${input.contextTokens} tokens left out`);
  assert.deepEqual(routerInput(question, 15), { prompt: question });
});
