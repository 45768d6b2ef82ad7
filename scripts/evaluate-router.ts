// Scores the local router on a labelled prompt set, next to a length-only baseline.
// Usage: npx tsx scripts/evaluate-router.ts [FILE.jsonl] [--misses]
// Default FILE: ../shared/data/router/ide-dev.jsonl (beside the repo). Lines: {"id","prompt","tier"}.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { classifyLocally } from '../src/core/router/classify.js';
import { scoreRouting, lengthBaseline, type Labelled } from '../src/core/router/evaluation.js';

const args = process.argv.slice(2);
const showMisses = args.includes('--misses');
const file = args.find((arg) => !arg.startsWith('--')) ?? resolve(__dirname, '../../shared/data/router/ide-dev.jsonl');
if (!existsSync(file)) {
  console.error(`no labelled set at ${file}`);
  process.exit(2);
}
const items: Labelled[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Labelled);

const predictions = items.map((item) => classifyLocally({ prompt: item.prompt }));
const router = scoreRouting(
  items,
  predictions.map((p) => p.tier),
);
const baseline = lengthBaseline(items);

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(`${items.length} prompts from ${file}`);
console.log(
  `                      router    length-only baseline (best cut points: <${baseline.cuts[0]} haiku, >=${baseline.cuts[1]} opus)`,
);
console.log(`accuracy              ${pct(router.accuracy).padStart(6)}    ${pct(baseline.score.accuracy)}`);
console.log(
  `under-routing         ${pct(router.underRouting).padStart(6)}    ${pct(baseline.score.underRouting)}   (sonnet/opus -> haiku, share of all prompts; target <= 3%)`,
);
console.log(
  `over-routing          ${pct(router.overRouting).padStart(6)}    ${pct(baseline.score.overRouting)}   (haiku -> opus, share of all prompts; target <= 5%)`,
);
console.log(
  `under, of non-haiku   ${pct(router.underRoutingOfHard).padStart(6)}    ${pct(baseline.score.underRoutingOfHard)}   (holdout gate: <= 5%)`,
);
console.log('confusion (rows = label, columns = routed haiku/sonnet/opus):');
for (const [label, row] of Object.entries(router.confusion))
  console.log(`  ${label.padEnd(7)} ${row.map((n) => String(n).padStart(4)).join('')}`);
if (showMisses) {
  items.forEach((item, i) => {
    const p = predictions[i]!;
    if (p.tier !== item.tier) {
      console.log(`\n${item.id} label=${item.tier} routed=${p.tier} raw=${p.raw}  ${item.prompt.slice(0, 140).replace(/\n/g, '⏎')}`);
      console.log(`   ${p.reasons.join(' | ')}`);
    }
  });
}
