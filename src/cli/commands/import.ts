import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { InputError, TallyError } from '../../core/errors.js';
import { formatTokens, formatUsd } from '../../core/format.js';
import { claudeProjectDirs } from '../../core/import/claudeCodeFiles.js';
import { importClaudeCode, type ClaudeCodeImportReport } from '../../core/import/claudeCodeImport.js';
import { openLedger, resolveLedgerDir } from '../../core/ledger/index.js';
import { parseFlags, writeJson, type Command, cliTimeZone } from '../command.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE = 'tally import claude-code [--dir DIR] [--ledger DIR] [--prices FILE] [--json]';
const SOURCES = ['claude-code'];
/** Another import (the editor's) finishes within seconds; wait this long for its lock before giving up. */
const LOCK_WAIT_MS = 15_000;

export const importCommand: Command = {
  summary: "record spend from other clients' logs (Claude Code) that did not go through Tally",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      { dir: { type: 'string' }, ledger: { type: 'string' }, prices: { type: 'string' }, json: { type: 'boolean' } },
      USAGE,
    );
    const [source, extra] = positionals;
    if (!source) throw new InputError(`say what to import from (${SOURCES.join(', ')})\nusage: ${USAGE}`);
    if (!SOURCES.includes(source)) throw new InputError(`cannot import from "${source}" (known: ${SOURCES.join(', ')})\nusage: ${USAGE}`);
    if (extra !== undefined) throw new InputError(`unexpected argument "${extra}"\nusage: ${USAGE}`);
    if (values.dir !== undefined && !isDirectory(values.dir)) throw new InputError(`--dir ${values.dir}: no such folder`);

    const projectDirs = claudeProjectDirs(values.dir && path.resolve(values.dir), io.env, homedir());
    const dir = path.resolve(resolveLedgerDir(values.ledger, io.env, homedir(), process.platform));
    const priceTable = loadPriceTable(values.prices, io.env);
    const ledger = openLedger(dir, { priceTable, timeZone: cliTimeZone(io.env) });

    let report = await importClaudeCode({ projectDirs, ledger, priceTable });
    for (const deadline = Date.now() + LOCK_WAIT_MS; report.locked && Date.now() < deadline;) {
      await delay(250);
      report = await importClaudeCode({ projectDirs, ledger, priceTable });
    }
    if (report.locked) {
      throw new TallyError(`another import into ${dir} is still running (${path.join(dir, '.index')}); try again`, 1);
    }
    if (report.invalid.count > 0) {
      const more =
        report.invalid.count > report.invalid.examples.length ? `; and ${report.invalid.count - report.invalid.examples.length} more` : '';
      io.stderr(
        `tally import: skipped ${report.invalid.count} usage line(s) that do not count: ${report.invalid.examples.join('; ')}${more}\n`,
      );
    }
    if (values.json) writeJson(io, report);
    else io.stdout(describe(report));
    return 0;
  },
};

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function counts(byName: Record<string, number>): string {
  return Object.entries(byName)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

export function describe(report: ClaudeCodeImportReport): string {
  const lines: string[] = [];
  const where = report.projectDirs.filter((dir) => existsSync(dir));
  if (report.files.total === 0) {
    return `No Claude Code session logs in ${report.projectDirs.join(' or ')} (use --dir, or set CLAUDE_CONFIG_DIR).\n`;
  }
  const logs = `${report.files.total} session log${report.files.total === 1 ? '' : 's'} in ${where.join(', ')}`;
  const { imported } = report;
  if (imported.requests === 0) lines.push(`Nothing new to import from ${logs}.`);
  else
    lines.push(
      `Imported ${imported.requests} Claude Code request${imported.requests === 1 ? '' : 's'}, ${formatUsd(imported.usd)} ` +
        `(input ${formatTokens(imported.inputTokens)}, cache write ${formatTokens(imported.cacheWriteTokens)}, ` +
        `cache read ${formatTokens(imported.cacheReadTokens)}, output ${formatTokens(imported.outputTokens)}) from ${logs} into ${report.ledger}.`,
    );
  const recorded = Object.values(report.alreadyRecorded).reduce((sum, count) => sum + count, 0);
  if (recorded > 0) lines.push(`Already in the ledger, not added again: ${recorded} (${counts(report.alreadyRecorded)}).`);
  if (report.pending > 0) lines.push(`${report.pending} response(s) still being written; the next import takes them.`);
  const unpriced = Object.values(report.unpriced).reduce((sum, count) => sum + count, 0);
  if (unpriced > 0)
    lines.push(
      `Not imported: ${unpriced} response(s) of models the price table does not have (${counts(report.unpriced)}); add them with --prices FILE and import again.`,
    );
  if (report.withoutId > 0) lines.push(`Not imported: ${report.withoutId} usage line(s) without a message id.`);
  return `${lines.join('\n')}\n`;
}
