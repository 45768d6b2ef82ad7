import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TallyServices } from '../services.js';
import { exportFolder, toCsv, toJson } from './exportFormats.js';
import { readWorkspaceEntries, spendRows } from './spendHistory.js';
import type { SpendSource } from './spendSource.js';

type ExportFormat = 'csv' | 'json';

/**
 * `tally.exportSpend [csv|json] [file path or Uri]`: every request this workspace recorded,
 * written where the user picks in the save dialog (or to the given file, for scripts and tests).
 * Returns the file's Uri, or undefined when cancelled.
 */
export async function exportSpend(
  services: TallyServices,
  source: SpendSource,
  formatArg?: unknown,
  fileArg?: unknown,
): Promise<vscode.Uri | undefined> {
  let format: ExportFormat | undefined = formatArg === 'csv' || formatArg === 'json' ? formatArg : undefined;
  if (formatArg !== undefined && format === undefined) {
    void vscode.window.showErrorMessage(`Tally: export format must be "csv" or "json", not ${JSON.stringify(formatArg)}.`);
    return undefined;
  }
  format ??= (
    await vscode.window.showQuickPick(
      [
        { label: 'CSV', description: 'one row per request, for spreadsheets', format: 'csv' as const },
        { label: 'JSON', description: 'every field of every request', format: 'json' as const },
      ],
      { title: 'Tally: Export Spend', placeHolder: 'Export this workspace’s requests as…' },
    )
  )?.format;
  if (!format) return undefined;

  const workspace = services.workspace();
  const today = new Date().toISOString().slice(0, 10);
  const safeName = workspace.name.replace(/[^\w.-]+/g, '-') || 'workspace';
  const defaultName = `tally-spend-${safeName}-${today}.${format}`;
  const target =
    fileArg instanceof vscode.Uri
      ? fileArg
      : typeof fileArg === 'string' && fileArg !== ''
        ? vscode.Uri.file(fileArg)
        : await vscode.window.showSaveDialog({
            title: 'Export Tally spend',
            saveLabel: 'Export',
            // Outside the repository, so an export is never committed by accident.
            defaultUri: vscode.Uri.file(path.join(exportFolder(os.homedir()), defaultName)),
            filters: format === 'csv' ? { 'CSV files': ['csv'] } : { 'JSON files': ['json'] },
          });
  if (!target) return undefined;

  const chosenFormat = format;
  const written = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tally: exporting spend to ${path.basename(target.fsPath)}…` },
    async () => {
      // Let the notification appear before reading a large ledger (a synchronous read of every entry).
      await new Promise((done) => setTimeout(done, 50));
      const { entries, skippedLines } = readWorkspaceEntries(source.ledger(), workspace.path);
      const rows = spendRows(entries, services.priceTable());
      const text = chosenFormat === 'csv' ? toCsv(rows) : toJson(rows, workspace, new Date().toISOString());
      try {
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
        return { rows: rows.length, skippedLines };
      } catch (error) {
        void vscode.window.showErrorMessage(`Tally: could not write ${target.fsPath}: ${(error as Error).message}`);
        return undefined;
      }
    },
  );
  if (!written) return undefined;
  const { rows, skippedLines } = written;
  const skipped = skippedLines > 0 ? ` (${skippedLines} unreadable ledger line(s) skipped)` : '';
  void vscode.window
    .showInformationMessage(`Tally: exported ${rows} request${rows === 1 ? '' : 's'} to ${path.basename(target.fsPath)}${skipped}.`, 'Open')
    .then((choice) => (choice === 'Open' ? vscode.window.showTextDocument(target) : undefined));
  return target;
}
