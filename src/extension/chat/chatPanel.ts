import * as vscode from 'vscode';
import type { ChatOutlets } from './chatOutlets.js';
import type { ChatSession } from './chatSession.js';
import { ChatWebview, chatWebviewOptions, followHost } from './chatWebview.js';

export const CHAT_VIEW_TYPE = 'tally.chat';

/**
 * The chat in an editor tab (one per window), showing the same session as the side bar's chat
 * view. A serializer brings the panel back after a reload; the webview keeps its draft through
 * getState/setState.
 */
export class ChatPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private connection: ChatWebview | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: () => Promise<ChatSession>,
    private readonly outlets: ChatOutlets,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Opens (or reveals) the panel and resolves once the session is ready to take messages. */
  async open(): Promise<ChatSession> {
    if (this.panel) {
      this.panel.reveal(undefined, false);
    } else {
      const panel = vscode.window.createWebviewPanel(
        CHAT_VIEW_TYPE,
        'Tally Chat',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        chatWebviewOptions(this.extensionUri),
      );
      await this.attach(panel);
    }
    this.connection?.use();
    return this.session();
  }

  /** The serializer's entry after a reload. */
  async restore(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = chatWebviewOptions(this.extensionUri);
    await this.attach(panel);
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private async attach(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    const connection = new ChatWebview(panel.webview, 'panel', this.extensionUri, this.session, this.outlets, this.log);
    this.connection = connection;
    followHost(connection, panel, panel.onDidChangeViewState, () => {
      if (this.panel === panel) {
        this.panel = undefined;
        this.connection = undefined;
      }
    });
    await connection.attach();
  }
}
