import * as vscode from 'vscode';
import type { TallyServices } from '../services.js';
import { simulatedNotice } from '../demo.js';
import { budgetView } from './budgetStatus.js';
import type { SpendSource } from './spendSource.js';
import { statusAccessibilityLabel, statusText, statusTooltipMarkdown } from './statusBarText.js';

/**
 * `$(graph) $0.42 today`: this workspace's spend today, in the warning or error colour at the
 * budget's warning level and once it is exceeded. Reads the ledger's running totals, which
 * parse only the bytes appended since the last read.
 */
export function createSpendStatusBar(services: TallyServices, source: SpendSource): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('tally.spend', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Tally Spend';
  item.command = 'tally.openDashboard';

  const update = () => {
    try {
      const workspace = services.workspace();
      const spend = source.ledger().spend(workspace.path);
      const budget = budgetView(spend.today.usd, spend.thisMonth.usd, services.settings().budget, Date.now(), source.ledger().timeZone);
      item.text = statusText(spend, budget.level);
      const tooltip = new vscode.MarkdownString(
        statusTooltipMarkdown(workspace.name, spend, budget, simulatedNotice(services.settings().apiBaseUrl)),
        true,
      );
      item.tooltip = tooltip;
      item.accessibilityInformation = { label: statusAccessibilityLabel(spend, budget), role: 'button' };
      item.backgroundColor =
        budget.level === 'exceeded'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : budget.level === 'warning'
            ? new vscode.ThemeColor('statusBarItem.warningBackground')
            : undefined;
    } catch (error) {
      item.text = '$(graph) spend unavailable';
      item.tooltip = `Tally could not read the ledger: ${(error as Error).message}`;
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
  const subscription = source.onDidChange(update);
  return vscode.Disposable.from(subscription, item, { dispose: () => clearTimeout(first) });
}
