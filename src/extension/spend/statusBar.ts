import * as vscode from 'vscode';
import type { EstimateSummary } from '../estimateSummary.js';
import type { TallyServices } from '../services.js';
import { simulatedNotice } from '../demo.js';
import { budgetView } from './budgetStatus.js';
import type { SpendSource } from './spendSource.js';
import { escapeMarkdown, statusAccessibilityLabel, statusText, statusTooltipMarkdown } from './statusBarText.js';

/** The selection's estimate, which this item carries in its tooltip (Tally has one status bar item). */
export interface SelectionEstimate {
  summary(): EstimateSummary | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/** The view the item reveals when clicked (`<view id>.focus` is VS Code's command for every view). */
export const SHOW_SPEND_COMMAND = 'tally.spend.focus';

/**
 * `$(graph) $0.42 today`: this workspace's spend today, in the warning or error colour at the
 * budget's warning level and once it is exceeded; its tooltip leads with the selection's estimate
 * while text is selected. Reads the ledger's running totals, which parse only the bytes appended
 * since the last read.
 */
export function createSpendStatusBar(services: TallyServices, source: SpendSource, estimate: SelectionEstimate): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('tally.spend', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Tally';
  item.command = SHOW_SPEND_COMMAND;

  const tooltip = (spendMarkdown: string, selection: EstimateSummary | undefined) => {
    const md = new vscode.MarkdownString(selection ? `${selection.markdown}\n\n---\n\n${spendMarkdown}` : spendMarkdown, true);
    // Only the one command link the estimate offers runs; anything else in the text stays inert.
    md.isTrusted = { enabledCommands: ['tally.estimateSelection'] };
    return md;
  };

  const update = () => {
    const selection = estimate.summary();
    try {
      const workspace = services.workspace();
      const spend = source.ledger().spend(workspace.path);
      const budget = budgetView(spend.today.usd, spend.thisMonth.usd, services.settings().budget, Date.now(), source.ledger().timeZone);
      item.text = statusText(spend, budget.level);
      const notice = simulatedNotice(services.settings().apiBaseUrl);
      item.tooltip = tooltip(statusTooltipMarkdown(workspace.name, spend, budget, notice), selection);
      const spoken = statusAccessibilityLabel(spend, budget);
      item.accessibilityInformation = { label: selection ? `${spoken} ${selection.spoken}.` : spoken, role: 'button' };
      item.backgroundColor =
        budget.level === 'exceeded'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : budget.level === 'warning'
            ? new vscode.ThemeColor('statusBarItem.warningBackground')
            : undefined;
    } catch (error) {
      item.text = '$(graph) spend unavailable';
      item.tooltip = tooltip(`Tally could not read the ledger: ${escapeMarkdown((error as Error).message)}`, selection);
      item.accessibilityInformation = { label: 'Tally spend unavailable: the ledger could not be read', role: 'button' };
      item.backgroundColor = undefined;
      services.log.warn(`spend: ${(error as Error).message}`);
    }
    item.show();
  };

  // First read after activation returns: a large ledger without a saved index takes a moment to total.
  item.text = '$(graph) …';
  item.accessibilityInformation = { label: 'Tally spend: reading the ledger', role: 'button' };
  item.show();
  const first = setTimeout(update, 0);
  return vscode.Disposable.from(source.onDidChange(update), estimate.onDidChange(update), item, { dispose: () => clearTimeout(first) });
}
