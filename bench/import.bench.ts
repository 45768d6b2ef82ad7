// `tally import claude-code` over a large Claude Code log folder (generated: sessions of tool-using turns,
// each response logged on two lines among tool results and attachments, as Claude Code 2.1.332 writes
// them): the first import, an import with nothing new, and one after a response is appended; ccusage
// 20.0.24 on the same folder for comparison when it is installed. `npm run bench -- import`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync, appendFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importClaudeCode } from '../src/core/import/claudeCodeImport.js';
import { openLedger } from '../src/core/ledger/index.js';
import { bundledPriceTable } from '../src/core/prices/priceTable.js';
import { assistantLine, userLine } from '../test/unit/importFixtures.js';

const SESSIONS = Number(process.env['IMPORT_BENCH_SESSIONS'] ?? 400);
const TURNS = Number(process.env['IMPORT_BENCH_TURNS'] ?? 150);
const MODELS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-4-5'];

function generate(projects: string): { bytes: number; responses: number; files: string[] } {
  const toolResult = 'x'.repeat(4000);
  const attachment = JSON.stringify({ type: 'attachment', attachment: { type: 'date', text: 'y'.repeat(1500) }, sessionId: 's' });
  let bytes = 0;
  let responses = 0;
  const files: string[] = [];
  for (let session = 0; session < SESSIONS; session++) {
    const sessionId = `session-${session}`;
    const project = `-work-project-${session % 20}`;
    const lines: string[] = [];
    for (let turn = 0; turn < TURNS; turn++) {
      const id = `${session}_${turn}`;
      const ts = new Date(Date.UTC(2026, 10, 1 + (session % 28), 9, 0, turn)).toISOString();
      const common = { messageId: `msg_${id}`, requestId: `req_${id}`, sessionId, timestamp: ts, cwd: `/work/project-${session % 20}` };
      const model = MODELS[(session + turn) % MODELS.length]!;
      lines.push(userLine(toolResult), attachment);
      lines.push(assistantLine({ ...common, model, output: 5, content: [{ type: 'text', text: 'Looking into it.' }] }));
      lines.push(
        assistantLine({
          ...common,
          model,
          output: 120 + (turn % 50),
          content: [{ type: 'tool_use', id: `t${id}`, name: 'Read', input: {} }],
        }),
      );
      responses++;
    }
    const file = join(projects, project, `${sessionId}.jsonl`);
    mkdirSync(join(projects, project), { recursive: true });
    const text = lines.map((line) => `${line}\n`).join('');
    writeFileSync(file, text);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(file, old, old);
    bytes += Buffer.byteLength(text);
    files.push(file);
  }
  return { bytes, responses, files };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'tally-import-bench-'));
  try {
    const projects = join(root, 'claude', 'projects');
    const made = generate(projects);
    const mb = made.bytes / 1024 / 1024;
    console.log(`log folder: ${SESSIONS} sessions, ${made.responses} responses, ${mb.toFixed(0)} MB`);
    const table = bundledPriceTable();
    const ledgerDir = join(root, 'ledger');
    const options = () => ({ projectDirs: [projects], ledger: openLedger(ledgerDir, { priceTable: table }), priceTable: table });

    const rss = process.memoryUsage().rss;
    const first = await timed(() => importClaudeCode(options()));
    const peak = process.memoryUsage().rss;
    console.log(
      `first import: ${first.ms.toFixed(0)} ms (${(mb / (first.ms / 1000)).toFixed(0)} MB/s, ${first.value.imported.requests} requests recorded, rss +${((peak - rss) / 1024 / 1024).toFixed(0)} MB)`,
    );
    const again = await timed(() => importClaudeCode(options()));
    console.log(
      `nothing new: ${again.ms.toFixed(1)} ms (${again.value.files.unchanged} logs unchanged, ${again.value.imported.requests} added)`,
    );

    appendFileSync(
      made.files[0]!,
      `${assistantLine({ messageId: 'msg_new', requestId: 'req_new', sessionId: 'session-0', timestamp: '2026-11-01T12:00:00.000Z' })}\n${userLine()}\n`,
    );
    const appended = await timed(() => importClaudeCode(options()));
    console.log(
      `one response appended: ${appended.ms.toFixed(1)} ms (${appended.value.bytesRead} bytes read, ${appended.value.imported.requests} added)`,
    );
    const ledgerMb = statSync(join(ledgerDir, '2026-11.jsonl')).size / 1024 / 1024;
    console.log(`ledger: ${ledgerMb.toFixed(1)} MB for ${first.value.imported.requests + 1} entries`);

    const { findClientTools } = await import('../scripts/client-tools.mjs');
    const tools = findClientTools();
    if (!tools) {
      console.log('ccusage: not installed (node scripts/client-tools.mjs), skipped');
      return;
    }
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root, CLAUDE_CONFIG_DIR: join(root, 'claude'), TZ: 'UTC' };
    const start = process.hrtime.bigint();
    execFileSync(tools.ccusageBin, ['claude', 'daily', '--json', '--offline'], { env, maxBuffer: 64 * 1024 * 1024 });
    console.log(
      `ccusage ${tools.ccusageVersion} daily on the same folder: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms (it reads everything every time)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
