import * as vscode from 'vscode';
import { parseOrThrow } from '../../core/validation.js';
import type { TallyServices } from '../services.js';
import { BudgetArgumentsSchema, describeBudgetValue, parseUsdInput, parseWarnAtInput, type BudgetField } from './budgetInput.js';

const FIELDS: Array<{ field: BudgetField; label: string; detail: string; prompt: string; placeholder: string }> = [
  {
    field: 'dailyUsd',
    label: 'Daily budget',
    detail: 'Requests past it are refused unless you send anyway (your local day, tally.timeZone).',
    prompt: 'Daily budget per workspace in US dollars (empty: no daily limit)',
    placeholder: 'e.g. 5',
  },
  {
    field: 'monthlyUsd',
    label: 'Monthly budget',
    detail: 'Requests past it are refused unless you send anyway (your local month).',
    prompt: 'Monthly budget per workspace in US dollars (empty: no monthly limit)',
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
 * written to the user settings (tally.budget.*), never into the repository: each workspace is held
 * to it separately. The menu comes back after each field until the user closes it. With an argument
 * object `{dailyUsd?, monthlyUsd?, warnAt?, confirmAboveUsd?}` it sets those directly.
 */
export async function setBudget(services: TallyServices, args?: unknown): Promise<void> {
  const config = () => vscode.workspace.getConfiguration('tally.budget');
  const write = async (field: BudgetField, value: number | null) => {
    await config().update(field, value, vscode.ConfigurationTarget.Global);
    warnIfShadowed(field);
  };

  if (args !== undefined) {
    let parsed;
    try {
      parsed = parseOrThrow(BudgetArgumentsSchema, args, 'tally.setBudget arguments');
    } catch (error) {
      void vscode.window.showErrorMessage(`Tally: ${(error as Error).message}`);
      return;
    }
    for (const [field, value] of Object.entries(parsed)) {
      if (value !== undefined) await write(field as BudgetField, value);
    }
    return;
  }

  // What was set in this run, so the menu shows it before the settings change event has arrived.
  const changed = new Map<BudgetField, number | null>();
  let lastField: BudgetField | undefined;
  for (;;) {
    const budget = services.settings().budget;
    const valueOf = (field: BudgetField) => (changed.has(field) ? changed.get(field)! : budget[field]);
    const items = FIELDS.map((f) => ({ ...f, description: describeBudgetValue(f.field, valueOf(f.field)) }));
    const picked = await pickField(items, lastField);
    if (!picked) return;
    lastField = picked.field;
    const value = await askValue(picked, valueOf(picked.field));
    if (value === undefined) continue; // Escape in the input box goes back to the menu
    await write(picked.field, value);
    changed.set(picked.field, value);
    void vscode.window.setStatusBarMessage(
      `Tally: ${picked.label} set to ${describeBudgetValue(picked.field, value)} in your user settings`,
      5_000,
    );
  }
}

type FieldItem = (typeof FIELDS)[number] & vscode.QuickPickItem;

async function pickField(items: FieldItem[], active: BudgetField | undefined): Promise<FieldItem | undefined> {
  const pick = vscode.window.createQuickPick<FieldItem>();
  pick.title = 'Tally: Set Budget';
  pick.placeholder = 'Which budget setting to change? (saved in your user settings; Escape when done)';
  pick.items = items;
  const current = items.find((item) => item.field === active);
  if (current) pick.activeItems = [current];
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/** The new value, null for "no limit", or undefined when the user backed out. */
async function askValue(picked: FieldItem, current: number | null): Promise<number | null | undefined> {
  const isWarn = picked.field === 'warnAt';
  const parse = (text: string) => (isWarn ? parseWarnAtInput(text) : parseUsdInput(text));
  const text = await vscode.window.showInputBox({
    title: `Tally: ${picked.label}`,
    prompt: picked.prompt,
    placeHolder: picked.placeholder,
    value: current === null ? '' : isWarn ? String(Math.round(current * 100)) : String(current),
    validateInput: (input) => {
      const result = parse(input);
      return result.ok ? undefined : result.message;
    },
    ignoreFocusOut: true,
  });
  if (text === undefined) return undefined;
  const result = parse(text);
  return result.ok ? result.value : undefined; // the input box does not accept an invalid value
}

/** A value in the folder's own settings wins over the user's: say so rather than seem to ignore the change. */
function warnIfShadowed(field: BudgetField): void {
  const inspected = vscode.workspace.getConfiguration('tally.budget').inspect(field);
  if (inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined) {
    void vscode.window.showWarningMessage(
      `Tally: this workspace's .vscode/settings.json sets tally.budget.${field}, which takes precedence over your user settings.`,
    );
  }
}
