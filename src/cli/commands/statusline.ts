// Claude Code's status-line command: it runs this after every assistant message with the session's JSON
// on stdin and shows the first line printed. The line is this workspace's spend today (from the ledger,
// after importing what this session logged since the last look) against its budget, and the session's
// own cost. It never fails noisily: whatever goes wrong becomes a short line and exit code 0, since
// Claude Code shows nothing for a failed command.
import { homedir } from 'node:os';
import * as path from 'node:path';
import { sessionLogFiles } from '../../core/import/claudeCodeFiles.js';
import { importClaudeCode } from '../../core/import/claudeCodeImport.js';
import { formatUsd } from '../../core/format.js';
import { openLedger, resolveLedgerDir, type Ledger } from '../../core/ledger/index.js';
import { parseFlags, parseNumberFlag, type Command, cliTimeZone } from '../command.js';
import { readStreamCapped, type CliIO } from '../io.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE = 'tally statusline [--ledger DIR] [--daily-budget USD] [--monthly-budget USD] [--no-import]';
/** Claude Code's status JSON is a few kilobytes; anything this large is not it. */
const MAX_INPUT_BYTES = 1024 * 1024;

/** The fields of Claude Code's status-line JSON this command reads (2.1.332 sends more). */
interface StatusInput {
  session_id?: unknown;
  transcript_path?: unknown;
  cwd?: unknown;
  model?: { id?: unknown; display_name?: unknown };
  workspace?: { current_dir?: unknown; project_dir?: unknown };
  cost?: { total_cost_usd?: unknown };
}

export const statuslineCommand: Command = {
  summary: "one line for Claude Code's status line: this workspace's spend today and its budget",
  usage: USAGE,
  async run(args, io) {
    let line: string;
    try {
      line = await statusLine(args, io);
    } catch (error) {
      line = `Tally: ${(error as Error).message.split('\n')[0]}`;
    }
    io.stdout(`${line}\n`);
    return 0;
  },
};

async function statusLine(args: string[], io: CliIO): Promise<string> {
  const { values } = parseFlags(
    args,
    {
      ledger: { type: 'string' },
      'daily-budget': { type: 'string' },
      'monthly-budget': { type: 'string' },
      'no-import': { type: 'boolean' },
    },
    USAGE,
  );
  const daily = parseNumberFlag(values['daily-budget'] ?? io.env['TALLY_DAILY_BUDGET'], 'daily-budget');
  const monthly = parseNumberFlag(values['monthly-budget'] ?? io.env['TALLY_MONTHLY_BUDGET'], 'monthly-budget');
  const input = readInput(await readStreamCapped(io.stdin(), 'status input').catch(() => Buffer.alloc(0)));
  const where = text(input?.workspace?.project_dir) ?? text(input?.workspace?.current_dir) ?? text(input?.cwd) ?? process.cwd();

  const priceTable = loadPriceTable(undefined, io.env);
  const ledger = openLedger(path.resolve(resolveLedgerDir(values.ledger, io.env, homedir(), process.platform)), {
    priceTable,
    timeZone: cliTimeZone(io.env),
  });
  const transcript = text(input?.transcript_path);
  if (!values['no-import'] && transcript && path.isAbsolute(transcript)) {
    try {
      const files = await sessionLogFiles(transcript);
      await importClaudeCode({ projectDirs: [path.dirname(path.dirname(transcript))], files, ledger, priceTable });
    } catch {
      // The line still shows what the ledger has; `tally import claude-code` reports what went wrong.
    }
  }

  const workspace = recordedWorkspace(ledger, where);
  const spend = ledger.spend(workspace);
  const parts = [`Tally ${path.basename(workspace) || workspace}: ${against(spend.today.usd, daily, 'today')}`];
  if (monthly !== undefined) parts.push(against(spend.thisMonth.usd, monthly, 'this month'));
  const session = input?.cost?.total_cost_usd;
  if (typeof session === 'number' && Number.isFinite(session)) parts.push(`session ${formatUsd(session)}`);
  if (!input) parts.push('no status input');
  return parts.join(' · ');
}

function readInput(bytes: Buffer): StatusInput | undefined {
  if (bytes.length === 0 || bytes.length > MAX_INPUT_BYTES) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as StatusInput) : undefined;
  } catch {
    return undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The workspace the ledger records this folder's spend under: the deepest recorded workspace that is the
 * folder or contains it (the editor records Claude Code run in a subfolder against its workspace folder).
 */
function recordedWorkspace(ledger: Ledger, folder: string): string {
  const month = `${ledger.day(Date.now()).slice(0, 7)}-01`;
  const inside = ledger
    .summarize('workspace', { since: month })
    .rows.map((row) => row.key)
    .filter((key) => folder === key || folder.startsWith(key.endsWith(path.sep) ? key : key + path.sep));
  return inside.sort((a, b) => b.length - a.length)[0] ?? folder;
}

function against(spent: number, budget: number | undefined, period: string): string {
  if (budget === undefined) return `${formatUsd(spent)} ${period}`;
  if (spent > budget) return `${formatUsd(spent)} ${period}, over the ${formatUsd(budget)} budget`;
  const share = budget > 0 ? Math.round((spent / budget) * 100) : 100;
  return `${formatUsd(spent)} ${period} of ${formatUsd(budget)} (${share}%)`;
}
