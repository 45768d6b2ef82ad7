import * as vscode from 'vscode';
import type { TallyServices } from '../services.js';
import { budgetView } from '../spend/budgetStatus.js';
import { readSpendBreakdown } from '../spend/spendHistory.js';
import type { SpendSource } from '../spend/spendSource.js';
import { spendTreeNodes, type SpendNode } from './spendTreeData.js';

export const SPEND_TREE_ID = 'tally.spend';
const RECENT_LIMIT = 10;

/**
 * The native spend tree in the Tally side bar. It re-reads the ledger when the spend source says
 * spend may have changed (the same event the status bar follows); VS Code asks for the nodes only
 * while the view is visible, so a hidden tree costs nothing.
 */
export class SpendTreeProvider implements vscode.TreeDataProvider<SpendNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly services: TallyServices,
    private readonly source: SpendSource,
  ) {
    this.subscription = source.onDidChange(() => this.changed.fire());
  }

  getChildren(node?: SpendNode): SpendNode[] {
    if (node) return node.children ?? [];
    try {
      const nowMs = Date.now();
      const ledger = this.source.ledger();
      const breakdown = readSpendBreakdown(ledger, this.services.workspace().path, {
        recentLimit: RECENT_LIMIT,
        priceTable: this.services.priceTable(),
      });
      const budget = budgetView(
        breakdown.spend.today.usd,
        breakdown.spend.thisMonth.usd,
        this.services.settings().budget,
        nowMs,
        ledger.timeZone,
      );
      return spendTreeNodes({ breakdown, budget, timeZone: ledger.timeZone, nowMs });
    } catch (error) {
      this.services.log.warn(`spend tree: ${(error as Error).message}`);
      return [{ id: 'error', label: `Could not read the ledger: ${(error as Error).message}`, icon: 'error' }];
    }
  }

  getTreeItem(node: SpendNode): vscode.TreeItem {
    const collapsible = node.children?.length
      ? node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, collapsible);
    item.id = node.id;
    if (node.description !== undefined) item.description = node.description;
    if (node.tooltip !== undefined) item.tooltip = node.tooltip;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon, node.iconColor ? new vscode.ThemeColor(node.iconColor) : undefined);
    if (node.command) item.command = node.command;
    item.accessibilityInformation = { label: [node.label, node.description].filter(Boolean).join(', ') };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
