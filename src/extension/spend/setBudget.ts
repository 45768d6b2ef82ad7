import * as vscode from 'vscode';
import { parseOrThrow } from '../../core/validation.js';
import type { TallyServices } from '../services.js';
import { BudgetArgumentsSchema, describeBudgetValue, parseUsdInput, parseWarnAtInput, type BudgetField } from './budgetInput.js';

const FIELDS: Array<{ field: BudgetField; label: string; detail: string; prompt: string; placeholder: string }> = [
  {
    field: 'dailyUsd',
    label: 'Daily budget',
    detail: 'Requests past it are refused unless you send anyway (your local day, tally.timeZone).',
    prompt: 'Daily budget for this workspace in US dollars (empty: no daily limit)',
    placeholder: 'e.g. 5',
  },
  {
    field: 'monthlyUsd',
    label: 'Monthly budget',
    detail: 'Requests past it are refused unless you send anyway (your local month).',
    prompt: 'Monthly budget for this workspace in US dollars (empty: no monthly limit)',
    placeholder: 'e.g. 50',
  },
  {
    field: 'warnAt',
    label: 'Warning level',
    detail: 'The status bar turns to its warning colour at this share of a budget.',
    prompt: 'Warn at this percentage of a budget',
    placeholder: 'e.g. 80',
  },
  {
    field: 'confirmAboveUsd',
    label: 'Confirm above',
    detail: 'Ask before sending any single prompt estimated above this.',
    prompt: 'Ask before sending a prompt estimated above this many US dollars (empty: never ask)',
    placeholder: 'e.g. 0.50',
  },
];

/**
 * `tally.setBudget`: pick a budget setting, type a value (validated as you type), and it is
 * written to this workspace's settings (tally.budget.*), or the user settings without a folder.
 * With an argument object `{dailyUsd?, monthlyUsd?, warnAt?, confirmAboveUsd?}` it sets those directly.
 */
export async function setBudget(services: TallyServices, args?: unknown): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const config = () => vscode.workspace.getConfiguration('tally.budget');

  if (args !== undefined) {
    let parsed;
    try {
      parsed = parseOrThrow(BudgetArgumentsSchema, args, 'tally.setBudget arguments');
    } catch (error) {
      void vscode.window.showErrorMessage(`Tally: ${(error as Error).message}`);
      return;
    }
    for (const [field, value] of Object.entries(parsed)) {
      if (value !== undefined) await config().update(field, value, target);
    }
    return;
  }

  const budget = services.settings().budget;
  const picked = await vscode.window.showQuickPick(
    FIELDS.map((f) => ({ ...f, description: describeBudgetValue(f.field, budget[f.field]) })),
    { title: 'Tally: Set Budget', placeHolder: 'Which budget setting to change for this workspace?' },
  );
  if (!picked) return;
  const current = budget[picked.field];
  const isWarn = picked.field === 'warnAt';
  const validate = (text: string) => {
    const result = isWarn ? parseWarnAtInput(text) : parseUsdInput(text);
    return result.ok ? undefined : result.message;
  };
  const text = await vscode.window.showInputBox({
    title: `Tally: ${picked.label}`,
    prompt: picked.prompt,
    placeHolder: picked.placeholder,
    value: current === null ? '' : isWarn ? String(Math.round(current * 100)) : String(current),
    validateInput: validate,
    ignoreFocusOut: true,
  });
  if (text === undefined) return;
  const result = isWarn ? parseWarnAtInput(text) : parseUsdInput(text);
  if (!result.ok) return; // the input box does not accept an invalid value
  await config().update(picked.field, result.value, target);
  const where = target === vscode.ConfigurationTarget.Workspace ? 'this workspace' : 'your user settings';
  void vscode.window.showInformationMessage(
    `Tally: ${picked.label} set to ${describeBudgetValue(picked.field, result.value)} in ${where}.`,
  );
}
