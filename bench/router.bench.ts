// Router speed: decision latency percentiles by prompt size (up to 20,000 characters) and throughput.
// Target: <= 1 ms at p99 for prompts up to 20,000 characters, no network.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { bundledPriceTable } from '../src/core/prices/priceTable.js';
import { defaultRouterConfig, routePrompt } from '../src/core/router/index.js';

const MAX_CHARS = 20_000;

function fill(seed: string, chars: number): string {
  let text = seed;
  while (text.length < chars) text += seed;
  return text.slice(0, chars);
}

/** Prompts of every shape the IDE sends: short questions, pasted code, logs, JSON, prose, and hostile one-liners. */
function corpus(): Array<{ name: string; prompts: string[] }> {
  const devFile = resolve(__dirname, '../../shared/data/router/ide-dev.jsonl');
  const dev = existsSync(devFile)
    ? readFileSync(devFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { prompt: string }).prompt)
    : ['regex for a US zip code', 'Design a multi-region payments ledger', 'why does this crash?\n\nKeyError'];
  const code =
    'export function handler(req: Request): Response {\n  const body = JSON.parse(req.body ?? "{}");\n  if (!body.id) return new Response("missing id", { status: 400 });\n  return new Response(JSON.stringify({ ok: true }));\n}\n\n';
  const log = '2024-05-01T12:00:00Z INFO  worker-3 processed job 8812 in 41ms (queue=payments, attempt=1)\n';
  const prose =
    'We run a fleet of services that share a Postgres cluster; last week latency doubled after we upgraded the driver and moved to a new instance type. ';
  const json = '{"id":1,"name":"widget","tags":["a","b"],"price":12.5,"active":true},';
  const sized = (chars: number) => [
    `why does this handler return 400?\n\n${fill(code, chars)}`,
    `which of these lines are errors?\n\n${fill(log, chars)}`,
    fill(prose, chars),
    `pretty-print this JSON\n\n[${fill(json, chars)}]`,
    fill('a', chars),
    fill('is this thread safe? ', chars),
    fill('what? ', chars),
  ];
  return [
    { name: 'dev-set prompts', prompts: dev },
    { name: '~2,000 chars', prompts: sized(2_000) },
    { name: '~8,000 chars', prompts: sized(8_000) },
    { name: '20,000 chars', prompts: sized(MAX_CHARS) },
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Per prompt, the best of `passes` timings: preemption on a busy machine only ever adds time, so
 * the minimum is the prompt's own cost. Percentiles over prompts then show the slow prompts, not the load.
 */
function intrinsic(prompts: string[], route: (prompt: string) => unknown, passes = 7): number[] {
  return prompts
    .map((prompt) => {
      let best = Infinity;
      for (let pass = 0; pass < passes; pass++) {
        const t0 = process.hrtime.bigint();
        route(prompt);
        best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return best;
    })
    .sort((a, b) => a - b);
}

export async function run(): Promise<void> {
  const table = bundledPriceTable();
  const route = (prompt: string) => routePrompt({ prompt }, defaultRouterConfig, table);
  const groups = corpus();
  for (const { prompts } of groups) for (const prompt of prompts) route(prompt); // warm up the JIT
  // Wall time includes waiting for a CPU on a shared machine; CPU time is the process's user+system
  // time (garbage collection and compiler threads included); "own" is each prompt's best of 7 runs.
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on this machine`);
  console.log(
    'size             prompts  decisions | wall p50   p90      p99      max    | cpu p50  p99      max    | own p99  own max | decisions/s',
  );
  for (const { name, prompts } of groups) {
    const rounds = Math.max(20, Math.ceil(3000 / prompts.length));
    const wall: number[] = [];
    const cpu: number[] = [];
    const started = process.hrtime.bigint();
    for (let round = 0; round < rounds; round++) {
      for (const prompt of prompts) {
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        route(prompt);
        wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
    }
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    wall.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const cell = (ms: number) => ms.toFixed(3).padStart(8);
    const own = intrinsic(prompts, route);
    console.log(
      `${name.padEnd(16)} ${String(prompts.length).padStart(7)} ${String(wall.length).padStart(10)} |${cell(percentile(wall, 50))} ${cell(percentile(wall, 90))} ${cell(percentile(wall, 99))} ${cell(wall[wall.length - 1]!)} |${cell(percentile(cpu, 50))} ${cell(percentile(cpu, 99))} ${cell(cpu[cpu.length - 1]!)} |${cell(percentile(own, 99))} ${cell(own[own.length - 1]!)} | ${Math.round((wall.length / totalMs) * 1000)}`,
    );
  }
}
