import * as vscode from 'vscode';
import type { TallyServices } from '../services.js';
import { DASHBOARD_VIEW_TYPE, DashboardPanel } from './dashboardPanel.js';
import { exportSpend } from './exportSpend.js';
import { setBudget } from './setBudget.js';
import { SpendSource } from './spendSource.js';
import { createSpendStatusBar, type SelectionEstimate } from './statusBar.js';

/**
 * Workspace spend in the editor: the Tally status bar item (spend, with the selection's estimate in
 * its tooltip), the dashboard webview and the commands tally.openDashboard, tally.setBudget and
 * tally.exportSpend. Returns the spend source the side bar's tree follows too.
 */
export function registerSpendFeatures(context: vscode.ExtensionContext, services: TallyServices, estimate: SelectionEstimate): SpendSource {
  const source = new SpendSource(services);
  const dashboard = new DashboardPanel(context.extensionUri, services, source);
  context.subscriptions.push(
    source,
    dashboard,
    createSpendStatusBar(services, source, estimate),
    vscode.commands.registerCommand('tally.openDashboard', () => dashboard.open()),
    vscode.commands.registerCommand('tally.setBudget', (args?: unknown) => setBudget(services, args)),
    vscode.commands.registerCommand('tally.exportSpend', (format?: unknown, file?: unknown) => exportSpend(services, source, format, file)),
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => dashboard.restore(panel),
    }),
  );
  return source;
}
