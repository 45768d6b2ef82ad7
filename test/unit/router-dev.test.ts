import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { lengthBaseline, scoreRouting, type Labelled } from '../../src/core/router/evaluation.js';
import { defaultRouterConfig, routePrompt } from '../../src/core/router/index.js';

const devSet = resolve(__dirname, '../../../shared/data/router/ide-dev.jsonl');

test('dev set: accuracy >= 85%, under-routing <= 3%, over-routing <= 5%, reasons on every decision', (t) => {
  if (!existsSync(devSet)) return t.skip(`no labelled dev set at ${devSet}`);
  const items = readFileSync(devSet, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Labelled);
  assert.ok(items.length >= 100, `${items.length} labelled prompts`);
  const table = bundledPriceTable();
  const decisions = items.map((item) => routePrompt({ prompt: item.prompt }, defaultRouterConfig, table));
  for (const [i, decision] of decisions.entries()) {
    assert.ok(decision.reasons.length > 0 && decision.reasons.every((r) => r.length > 0), `${items[i]!.id} has reasons`);
  }
  const score = scoreRouting(
    items,
    decisions.map((d) => d.tier),
  );
  const baseline = lengthBaseline(items).score;
  t.diagnostic(
    `router accuracy ${score.accuracy.toFixed(3)} under ${score.underRouting.toFixed(3)} over ${score.overRouting.toFixed(3)}; length-only ${baseline.accuracy.toFixed(3)}`,
  );
  assert.ok(score.accuracy >= 0.85, `accuracy ${score.accuracy}`);
  assert.ok(score.underRouting <= 0.03, `under-routing ${score.underRouting}`);
  assert.ok(score.overRouting <= 0.05, `over-routing ${score.overRouting}`);
  assert.ok(score.accuracy > baseline.accuracy, 'beats routing by length alone');
});
