// `npm run bench`: runs every bench/*.bench.ts in turn and prints its figures.
// Benchmarks measure speed and memory; tests never assert timings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const only = process.argv[2];
const all = readdirSync(__dirname).filter((name) => name.endsWith('.bench.ts'));
// `npm run bench estimate` runs estimate.bench.ts alone (not estimator too); a partial name runs every match.
const files = all.includes(`${only}.bench.ts`) ? [`${only}.bench.ts`] : all.filter((name) => !only || name.includes(only)).sort();
async function main(): Promise<void> {
  for (const file of files) {
    console.log(`\n=== ${file.replace('.bench.ts', '')} ===`);
    const bench = (await import(pathToFileURL(join(__dirname, file)).href)) as { run: () => Promise<void> };
    await bench.run();
  }
}

void main();
