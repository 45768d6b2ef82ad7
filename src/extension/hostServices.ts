import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { systemTimeZone } from '../core/dates.js';
import { sharedLedger, type Ledger, type SharedLedger } from '../core/ledger/index.js';
import { resolveLedgerDir } from '../core/ledger/paths.js';
import type { PriceTable } from '../core/prices/priceTable.js';
import { pricesWithOverride } from './prices.js';
import { readApiKey } from './secrets.js';
import type { SpendRecorded, TallyServices, WorkspaceIdentity } from './services.js';
import {
  DEFAULT_SETTINGS,
  checkAllowList,
  checkTierModels,
  resolveSettings,
  settingValue,
  userOnlySettingsNamedIn,
  type SettingKey,
  type TallySettings,
} from './settings.js';

/** The services plus what only the host itself may do (fire the spend event, dispose). */
export interface HostServices extends TallyServices, vscode.Disposable {
  recordedSpend(event: SpendRecorded): void;
}

export function createHostServices(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): HostServices {
  const settingsChanged = new vscode.EventEmitter<TallySettings>();
  const spendRecorded = new vscode.EventEmitter<SpendRecorded>();
  const reported = new Set<string>();
  let settings: TallySettings = DEFAULT_SETTINGS;
  let table: PriceTable | undefined;
  let tableFor: string | null | undefined;

  /** Each distinct problem is shown once per session (not again on every unrelated settings change). */
  const warn = (text: string) => {
    log.warn(text);
    if (reported.has(text)) return;
    reported.add(text);
    void vscode.window.showWarningMessage(`Tally: ${text}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'tally.');
    });
  };
  /** A notification (never a modal), once per session whatever the text. */
  let warnedWorkspace = false;
  const warnOnce = (text: string) => {
    log.warn(text);
    if (warnedWorkspace) return;
    warnedWorkspace = true;
    void vscode.window.showWarningMessage(`Tally: ${text}`);
  };

  /** `~/x`, or a path relative to the home folder: these settings are the user's, not a workspace's. */
  const expandPath = (value: string) => {
    const home = value === '~' || value.startsWith('~/') ? path.join(os.homedir(), value.slice(1)) : value;
    return path.resolve(os.homedir(), home);
  };

  const loadPriceTable = (): PriceTable => {
    const file = settings.pricesFile;
    if (table && tableFor === file) return table;
    const loaded = pricesWithOverride(readTextFile, file === null ? null : expandPath(file), table);
    if (loaded.problem) warn(loaded.problem);
    else if (file !== null) log.info(`prices: applied ${expandPath(file)}`);
    table = loaded.table;
    tableFor = file;
    return table;
  };

  const readSettings = () => {
    const config = vscode.workspace.getConfiguration('tally');
    const ignored: string[] = [];
    const read = (key: SettingKey) => {
      const { value, ignoredWorkspaceValue } = settingValue(key, config.inspect(key));
      if (ignoredWorkspaceValue) ignored.push(`tally.${key}`);
      return value;
    };
    const previous = settings;
    const resolved = resolveSettings(read, previous);
    for (const problem of resolved.problems) warn(`${problem.setting}: ${problem.message}`);
    settings = resolved.settings;
    const models = checkTierModels(settings, previous, loadPriceTable());
    for (const problem of models.problems) warn(`${problem.setting}: ${problem.message}`);
    settings = models.settings;
    const allowList = checkAllowList(settings, previous, loadPriceTable());
    for (const problem of allowList.problems) warn(`${problem.setting}: ${problem.message}`);
    settings = allowList.settings;
    for (const id of userOnlySettingsInWorkspaceFiles()) if (!ignored.includes(id)) ignored.push(id);
    if (ignored.length > 0) {
      warnOnce(
        `this workspace's settings try to set ${ignored.join(', ')}. Tally ignores them: where your key is sent, ` +
          'where spend is recorded and what it costs come only from your user settings.',
      );
    }
  };

  const ledgerDirectory = () =>
    settings.ledgerDirectory !== null
      ? expandPath(settings.ledgerDirectory)
      : resolveLedgerDir(undefined, process.env, os.homedir(), process.platform);
  /** The process's one ledger, announcing every append (chat, gateway, import) to the spend views and telemetry. */
  const recorders = new WeakMap<Ledger, Ledger>();
  const recordingLedger = ({ ledger }: SharedLedger): Ledger => {
    let recording = recorders.get(ledger);
    if (!recording) {
      recording = {
        ...ledger,
        append: (entry) => {
          const result = ledger.append(entry);
          spendRecorded.fire({ ts: entry.ts, model: entry.model, usd: entry.usd, status: entry.status, entry });
          return result;
        },
      };
      recorders.set(ledger, recording);
    }
    return recording;
  };

  const windowLedger = () => sharedLedger(ledgerDirectory(), loadPriceTable(), { timeZone: settings.timeZone ?? systemTimeZone() });

  readSettings();
  const disposables: vscode.Disposable[] = [
    settingsChanged,
    spendRecorded,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('tally')) return;
      if (event.affectsConfiguration('tally.pricesFile')) tableFor = undefined;
      readSettings();
      settingsChanged.fire(settings);
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (settings.pricesFile !== null && document.uri.fsPath === expandPath(settings.pricesFile)) {
        tableFor = undefined;
        readSettings();
        settingsChanged.fire(settings);
      }
    }),
  ];

  return {
    settings: () => settings,
    onDidChangeSettings: settingsChanged.event,
    priceTable: loadPriceTable,
    ledgerDirectory,
    ledger: () => recordingLedger(windowLedger()),
    budgetGuard: () => windowLedger().guard,
    workspace: (): WorkspaceIdentity => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      return folder ? { path: folder.uri.fsPath, name: folder.name } : { path: os.homedir(), name: 'no folder' };
    },
    onDidRecordSpend: spendRecorded.event,
    getApiKey: () => readApiKey(context.secrets, process.env),
    isTrusted: () => vscode.workspace.isTrusted,
    log,
    recordedSpend: (event) => spendRecorded.fire(event),
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}

/** User-only settings named by this window's workspace settings files (folders' .vscode/settings.json, the .code-workspace file). */
function userOnlySettingsInWorkspaceFiles(): string[] {
  const files = (vscode.workspace.workspaceFolders ?? []).map((folder) => path.join(folder.uri.fsPath, '.vscode', 'settings.json'));
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile?.scheme === 'file') files.push(workspaceFile.fsPath);
  const named = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // no settings file: nothing tried
    }
    for (const id of userOnlySettingsNamedIn(text)) named.add(id);
  }
  return [...named];
}

/** A small, user-chosen config file: read synchronously so the accessor stays synchronous. */
function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(error as Error).message}`);
  }
}
