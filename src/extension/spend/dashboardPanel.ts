import * as vscode from 'vscode';
import { simulatedNotice } from '../demo.js';
import { parseFromDashboard, type FromDashboard, type ToDashboard } from '../../protocol/dashboard.js';
import type { TallyServices } from '../services.js';
import { buildDashboardData } from './dashboardData.js';
import { readSpendHistory, type DaySplitCache } from './spendHistory.js';
import type { Ledger } from '../../core/ledger/index.js';
import type { SpendSource } from './spendSource.js';
import { dashboardHtml } from '../webviewHtml.js';

export const DASHBOARD_VIEW_TYPE = 'tally.dashboard';
const HISTORY_DAYS = 90;
const RECENT_LIMIT = 100;
/** Ledger changes arrive in bursts (a streamed turn, the CLI's script); redraw once they settle. */
const REDRAW_MS = 300;

/** One dashboard per window: opening it again reveals it. */
export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: vscode.Disposable;
  /** Past days' model/tier splits, valid for one ledger instance and workspace. */
  private daySplits: { ledger: Ledger; workspacePath: string; cache: DaySplitCache } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly services: TallyServices,
    private readonly source: SpendSource,
  ) {
    this.subscription = source.onDidChange(() => this.scheduleRedraw());
  }

  open(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Tally Spend', vscode.ViewColumn.Active, this.webviewOptions());
    this.attach(panel);
  }

  /** Re-attaches a panel VS Code restored after a reload (its webview state comes back with it). */
  restore(panel: vscode.WebviewPanel): void {
    if (this.panel) this.panel.dispose();
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    // No retainContextWhenHidden: the page saves its own state (range, last data, scroll) and
    // redraws from it when shown again, which costs no memory while hidden.
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')] };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    const webview = panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', name)).toString();
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      scriptUri: asset('dashboard.js'),
      styleUri: asset('dashboard.css'),
      title: 'Tally Spend',
    });
    this.panelDisposables = [
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseFromDashboard(raw);
        if (!message) {
          this.services.log.warn('dashboard: ignored a message that does not match the protocol');
          return;
        }
        void this.handle(message);
      }),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.scheduleRedraw();
      }),
      panel.onDidDispose(() => {
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
        if (this.panel === panel) this.panel = undefined;
      }),
    ];
  }

  private async handle(message: FromDashboard): Promise<void> {
    switch (message.type) {
      case 'ready':
      case 'refresh':
        this.redraw();
        return;
      case 'export':
        await vscode.commands.executeCommand('tally.exportSpend', message.format);
        return;
      case 'setBudget':
        await vscode.commands.executeCommand('tally.setBudget');
        return;
      case 'openChat':
        await vscode.commands.executeCommand('tally.openChat');
        return;
    }
  }

  private scheduleRedraw(): void {
    if (!this.panel?.visible) return; // drawn on the next 'ready' or when shown
    clearTimeout(this.redrawTimer);
    this.redrawTimer = setTimeout(() => this.redraw(), REDRAW_MS);
  }

  private redraw(): void {
    const panel = this.panel;
    if (!panel) return;
    let message: ToDashboard;
    try {
      const nowMs = Date.now();
      const workspace = this.services.workspace();
      const ledger = this.source.ledger();
      if (this.daySplits?.ledger !== ledger || this.daySplits.workspacePath !== workspace.path) {
        this.daySplits = { ledger, workspacePath: workspace.path, cache: new Map() };
      }
      const history = readSpendHistory(
        ledger,
        workspace.path,
        { nowMs, historyDays: HISTORY_DAYS, recentLimit: RECENT_LIMIT, priceTable: this.services.priceTable() },
        this.daySplits.cache,
      );
      const data = buildDashboardData(history, {
        workspaceName: workspace.name,
        budget: this.services.settings().budget,
        historyDays: HISTORY_DAYS,
        apiNote: simulatedNotice(this.services.settings().apiBaseUrl),
      });
      message = { type: 'data', data };
    } catch (error) {
      this.services.log.warn(`dashboard: ${(error as Error).message}`);
      message = { type: 'error', message: `Could not read the ledger: ${(error as Error).message}` };
    }
    void panel.webview.postMessage(message);
  }

  dispose(): void {
    clearTimeout(this.redrawTimer);
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
