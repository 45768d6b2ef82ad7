// `npm run bench activation`: require + activate() of the built extension bundle in fresh Node
// processes, with a stand-in `vscode` (not the real extension host: the e2e log has that figure),
// and the bundle's size. TALLY_BENCH_OLD_EXTENSION=path/to/extension.js measures another build beside it.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

const RUNS = 15;

function measure(bundle: string): { median: number; p90: number; bytes: number } {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, [resolve(__dirname, 'support/activate-once.cjs'), bundle], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (run.status !== 0) throw new Error(`activation failed for ${bundle}: ${run.stderr}`);
    times.push(Number(run.stdout));
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)]!, p90: times[Math.floor(RUNS * 0.9)]!, bytes: statSync(bundle).size };
}

export async function run(): Promise<void> {
  const bundles = [['this build', resolve(__dirname, '../dist/extension.js')]];
  if (process.env['TALLY_BENCH_OLD_EXTENSION']) bundles.push(['other build', process.env['TALLY_BENCH_OLD_EXTENSION']]);
  console.log(`require + activate(), ${RUNS} fresh processes each (build with \`node esbuild.js --production\` for shipped sizes)`);
  for (const [label, bundle] of bundles) {
    const { median, p90, bytes } = measure(bundle!);
    console.log(
      `  ${label!.padEnd(12)} median ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, extension.js ${(bytes / 1024).toFixed(0)} KB`,
    );
  }
}
