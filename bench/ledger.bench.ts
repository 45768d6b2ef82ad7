// How fast the status bar can read today's workspace spend from a 100,000-entry ledger:
// cold (a new process, with and without the saved running totals), warm (nothing new, one new
// entry), plus a full summary, a full query and append throughput.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLedgerEntry, openLedger } from '../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../src/core/prices/priceTable.js';

const ENTRIES = 100_000;
const NOW = Date.parse('2026-11-29T18:00:00Z');
const table = bundledPriceTable();
const workspaces = ['/home/dev/app', '/home/dev/lib', '/home/dev/site', '/home/dev/infra', '/home/dev/notes'].map((path) => ({
  path,
  name: path.split('/').pop()!,
}));
const models = ['haiku', 'sonnet', 'opus', 'claude-sonnet-4-5'].map((name) => resolveModel(table, name));

function entry(i: number) {
  const model = models[i % models.length]!;
  return buildLedgerEntry(table, {
    // Spread over the 29 days of the month so far, newest last.
    startedAt: Date.parse('2026-11-01T00:00:00Z') + Math.floor((i / ENTRIES) * (NOW - Date.parse('2026-11-01T00:00:00Z'))),
    workspace: workspaces[i % workspaces.length]!,
    source: i % 10 === 0 ? 'cli' : 'chat',
    conversationId: `conv-${Math.floor(i / 20)}`,
    model,
    defaultModel: models[1]!,
    routedReasons: ['mentions a stack trace', 'asks for a refactor across files'],
    usage: {
      input_tokens: 200 + (i % 900),
      output_tokens: 300 + (i % 1500),
      cache_creation_input_tokens: i % 20 === 0 ? 26_000 : 0,
      cache_read_input_tokens: i % 20 === 0 ? 0 : 26_000 + (i % 5000),
      cache_creation: { ephemeral_5m_input_tokens: i % 20 === 0 ? 26_000 : 0, ephemeral_1h_input_tokens: 0 },
    },
    requestId: `req_${i.toString(36).padStart(12, '0')}`,
    status: i % 97 === 0 ? 'aborted' : 'ok',
    durationMs: 800 + (i % 4000),
  });
}

interface Timing {
  wall: number;
  /** CPU time of this process (user + system): what the figure would be on an idle machine. */
  cpu: number;
}

function time<T>(fn: () => T): [Timing, T] {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = fn();
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return [{ wall, cpu: (cpu.user + cpu.system) / 1000 }, result];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const ms = (value: number) => `${value.toFixed(value < 1 ? 3 : 1)} ms`;
/** Median wall and CPU time of repeated runs. */
const summary = (runs: Timing[]) =>
  `median ${ms(median(runs.map((r) => r.wall)))} wall, ${ms(median(runs.map((r) => r.cpu)))} CPU (${runs.length} runs, max wall ${ms(Math.max(...runs.map((r) => r.wall)))})`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ledger-bench-'));
  try {
    const file = join(dir, '2026-11.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < ENTRIES; i++) lines.push(`${JSON.stringify(entry(i))}\n`);
    writeFileSync(file, lines.join(''));
    console.log(`ledger: ${ENTRIES.toLocaleString('en')} entries, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB in one month file`);
    const now = () => NOW;
    const workspace = workspaces[0]!.path;

    const coldFull = [1, 2, 3].map(() => time(() => openLedger(dir, { now, persistIndex: false }).spend(workspace))[0]);
    const [, first] = time(() => openLedger(dir, { now }).spend(workspace)); // saves the running totals to DIR/.index
    console.log(`today for one workspace: ${first.today.requests} requests, $${first.today.usd.toFixed(2)}`);
    console.log(`cold, no saved totals (parse all lines):  ${summary(coldFull)}`);

    const coldIndexed = Array.from({ length: 9 }, () => time(() => openLedger(dir, { now }).spend(workspace))[0]);
    console.log(`cold, saved totals (as a new process):    ${summary(coldIndexed)}`);

    const ledger = openLedger(dir, { now });
    ledger.spend(workspace);
    const warm = Array.from({ length: 200 }, () => time(() => ledger.spend(workspace))[0]);
    console.log(`warm, nothing new:                        ${summary(warm)}`);

    const writer = openLedger(dir, { now, persistIndex: false });
    const afterAppend = Array.from({ length: 200 }, (_, i) => {
      writer.append(entry(ENTRIES - 1 - i));
      return time(() => ledger.spend(workspace))[0];
    });
    console.log(`warm, one entry appended by another:      ${summary(afterAppend)}`);

    const summaries = Array.from({ length: 20 }, () => time(() => ledger.summarize('model'))[0]);
    console.log(`summarize by model (warm):                ${summary(summaries)}`);
    const queries = Array.from({ length: 5 }, () => time(() => ledger.query({ workspace, limit: 50 }))[0]);
    console.log(`query last 50 of one workspace (reads backwards): ${summary(queries)}`);

    const appendDir = mkdtempSync(join(tmpdir(), 'tally-ledger-append-'));
    const appender = openLedger(appendDir, { now, persistIndex: false });
    const toAppend = Array.from({ length: 2000 }, (_, i) => entry(i));
    const [appendTime] = time(() => toAppend.forEach((e) => appender.append(e)));
    rmSync(appendDir, { recursive: true, force: true });
    console.log(
      `append (validate + one O_APPEND write):   ${ms(appendTime.wall / toAppend.length)} wall, ${ms(appendTime.cpu / toAppend.length)} CPU per entry (2,000 entries)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
