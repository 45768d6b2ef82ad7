// `npm run bench`: runs every bench/*.bench.ts in turn and prints its figures.
// Benchmarks measure speed and memory; tests never assert timings.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const only = process.argv[2];
const files = readdirSync(__dirname)
  .filter((name) => name.endsWith('.bench.ts') && (!only || name.includes(only)))
  .sort();
async function main(): Promise<void> {
  for (const file of files) {
    console.log(`\n=== ${file.replace('.bench.ts', '')} ===`);
    const bench = (await import(pathToFileURL(join(__dirname, file)).href)) as { run: () => Promise<void> };
    await bench.run();
  }
}

void main();
