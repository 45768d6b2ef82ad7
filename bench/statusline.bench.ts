// `tally statusline` as Claude Code runs it after every assistant message: a new process each time, the
// status JSON on stdin, a ledger with a busy month in it (60,000 entries) and the session's log. Reports
// the first run (the ledger's totals are read and saved to its index) and the steady state.
// `npm run bench -- statusline` (needs `npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildLedgerEntry, openLedger } from '../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../src/core/prices/priceTable.js';
import { assistantLine, LAST_PROMPT_LINE, writeLog } from '../test/unit/importFixtures.js';

const ENTRIES = 60_000;
const RUNS = 15;

export async function run(): Promise<void> {
  const cli = resolve(__dirname, '../dist/cli.js');
  if (!existsSync(cli)) {
    console.log('dist/cli.js is not built (npm run build): skipped');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'tally-statusline-bench-'));
  try {
    const table = bundledPriceTable();
    const model = resolveModel(table, 'claude-sonnet-5-5');
    const ledgerDir = join(root, 'ledger');
    const ledger = openLedger(ledgerDir, { priceTable: table });
    const start = Date.now() - 20 * 86_400_000;
    for (let index = 0; index < ENTRIES; index++) {
      ledger.append(
        buildLedgerEntry(table, {
          // spread over the last 20 days, but all within this month's file as far as possible
          startedAt: Math.max(start, Date.parse(`${new Date().toISOString().slice(0, 7)}-01T00:00:00Z`)) + index * 1000,
          workspace: { path: `/work/project-${index % 20}`, name: `project-${index % 20}` },
          source: index % 2 ? 'gateway' : 'import',
          requestId: `req_${index}`,
          messageId: `msg_${index}`,
          model,
          defaultModel: model,
          usage: { input_tokens: 3, output_tokens: 200, cache_creation_input_tokens: 2000, cache_read_input_tokens: 30_000 },
          status: 'ok',
          durationMs: 900,
        }),
      );
    }
    const transcript = writeLog(join(root, 'claude'), '-work-project-3/s-1.jsonl', [
      assistantLine({ cwd: '/work/project-3', timestamp: new Date().toISOString() }),
      LAST_PROMPT_LINE,
    ]);
    const input = JSON.stringify({
      session_id: 's-1',
      transcript_path: transcript,
      cwd: '/work/project-3',
      model: { id: 'claude-sonnet-5-5', display_name: 'Sonnet 5.5' },
      workspace: { current_dir: '/work/project-3', project_dir: '/work/project-3', added_dirs: [] },
      cost: { total_cost_usd: 0.0123 },
    });
    const once = () => {
      const began = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [cli, 'statusline', '--ledger', ledgerDir, '--daily-budget', '50'], {
        input,
        encoding: 'utf8',
      });
      return { ms: Number(process.hrtime.bigint() - began) / 1e6, line: result.stdout.trim() };
    };
    const first = once();
    const times = Array.from({ length: RUNS }, () => once().ms).sort((a, b) => a - b);
    const median = (args: string[]) =>
      Array.from({ length: 5 }, () => {
        const began = process.hrtime.bigint();
        spawnSync(process.execPath, args);
        return Number(process.hrtime.bigint() - began) / 1e6;
      }).sort((a, b) => a - b)[2]!;
    const bare = median(['-e', '0']);
    const help = median([cli, '--help']);
    console.log(`ledger: ${ENTRIES} entries this month; line: ${first.line}`);
    console.log(`first run (reads the month, saves its totals): ${first.ms.toFixed(0)} ms`);
    console.log(
      `steady state over ${RUNS} runs: median ${times[Math.floor(RUNS / 2)]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms (node -e 0: ${bare.toFixed(0)} ms, tally --help: ${help.toFixed(0)} ms)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
