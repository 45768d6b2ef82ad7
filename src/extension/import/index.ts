// Claude Code's spend that did not go through Tally, imported in the background: once shortly after
// startup, and whenever its session logs change (a watcher on the logs' folder, outside the workspace).
// Activation only wires this up; nothing is read until the first run. What each run did goes to the
// Tally output channel; a failure is logged and never shown as an error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { formatUsd } from '../../core/format.js';
import { claudeProjectDirs, DEFAULT_SETTLE_MS } from '../../core/import/claudeCodeFiles.js';
import type { ClaudeCodeImportReport } from '../../core/import/claudeCodeImport.js';
import type { LedgerIds } from '../../core/import/ledgerIds.js';
import type { TallyServices } from '../services.js';
import { ImportScheduler } from './importScheduler.js';

/** After activation, wait this long before the first import: the editor has better things to do at startup. */
const STARTUP_DELAY_MS = 3_000;
/** Claude Code writes several lines per turn; import once it has been quiet this long. */
const DEBOUNCE_MS = 2_000;
/** A logs folder that does not exist yet (Claude Code not used so far) is looked for again this often. */
const LOOK_FOR_LOGS_MS = 5 * 60_000;

export function registerClaudeCodeImport(context: vscode.ExtensionContext, services: TallyServices): void {
  const log = services.log;
  const projectDirs = claudeProjectDirs(undefined, process.env, os.homedir());
  // Kept across runs (per ledger folder), so each run reads only the ledger lines added since the last.
  let ids: LedgerIds | undefined;
  const reported = { unpriced: '' };

  const scheduler = new ImportScheduler({
    debounceMs: DEBOUNCE_MS,
    pendingRetryMs: DEFAULT_SETTLE_MS + 1_000,
    lockedRetryMs: 5_000,
    onError: (error) => log.warn(`Claude Code import failed: ${(error as Error).message ?? String(error)}`),
    run: async () => {
      // Loaded on the first run (after activation), not at activation.
      const [{ importClaudeCode }, { LedgerIds }] = await Promise.all([
        import('../../core/import/claudeCodeImport.js'),
        import('../../core/import/ledgerIds.js'),
      ]);
      const dir = services.ledgerDirectory();
      const priceTable = services.priceTable();
      if (ids?.dir !== dir) ids = new LedgerIds(dir, { follow: true });
      const report = await importClaudeCode({
        projectDirs,
        ledger: services.ledger(),
        priceTable,
        ids,
        workspaceRoots: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
      });
      logReport(log, report, reported);
      return report;
    },
  });

  const watched = new Set<string>();
  const watch = () => {
    for (const dir of projectDirs) {
      if (watched.has(dir) || !fs.existsSync(dir)) continue;
      watched.add(dir);
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**/*.jsonl'));
      context.subscriptions.push(
        watcher,
        watcher.onDidChange(() => scheduler.request()),
        watcher.onDidCreate(() => scheduler.request()),
      );
      log.info(`Claude Code import: watching ${dir}`);
    }
  };
  watch();
  const lookAgain = setInterval(() => {
    const before = watched.size;
    watch();
    if (watched.size > before) scheduler.request();
  }, LOOK_FOR_LOGS_MS);

  context.subscriptions.push(
    scheduler,
    { dispose: () => clearInterval(lookAgain) },
    // Another ledger folder, or prices that now know a model: import again.
    services.onDidChangeSettings(() => scheduler.request()),
  );
  scheduler.request(STARTUP_DELAY_MS);
}

/** Logs what a run did; models without prices are named again only when that list changes. */
function logReport(log: vscode.LogOutputChannel, report: ClaudeCodeImportReport, reported: { unpriced: string }): void {
  const { imported } = report;
  const took = `${report.durationMs} ms`;
  if (report.locked) log.debug('Claude Code import: another import is running; trying again shortly');
  else if (imported.requests > 0)
    log.info(
      `Claude Code import: ${imported.requests} request(s), ${formatUsd(imported.usd)}, from ${report.files.read} changed log(s) in ${took}`,
    );
  else log.debug(`Claude Code import: nothing new in ${report.files.total} log(s) (${took})`);
  const unpriced = Object.entries(report.unpriced)
    .map(([model, count]) => `${model} (${count})`)
    .join(', ');
  if (unpriced && unpriced !== reported.unpriced && !report.locked) {
    log.warn(`Claude Code import: not recorded, the price table has no ${unpriced}; add it with tally.pricesFile`);
  }
  if (!report.locked) reported.unpriced = unpriced;
  if (report.invalid.count > 0)
    log.warn(`Claude Code import: skipped ${report.invalid.count} unreadable usage line(s): ${report.invalid.examples[0]}`);
}
