import * as vscode from 'vscode';
import type { ChatOutlets } from '../chat/chatOutlets.js';
import type { ChatSession } from '../chat/chatSession.js';
import { ChatWebview, chatWebviewOptions, followHost } from '../chat/chatWebview.js';

export const CHAT_VIEW_ID = 'tally.chatView';

/**
 * The cost-before-sending chat as a side bar view, so it can sit next to VS Code's own Chat. It
 * shows the same session as the editor-tab panel (both are outlets of it). VS Code resolves it only
 * when the view is first shown, so a closed Tally side bar costs nothing.
 */
export class ChatView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private connection: ChatWebview | undefined;
  private resolved: (() => void) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: () => Promise<ChatSession>,
    private readonly outlets: ChatOutlets,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  async resolveWebviewView(view: vscode.WebviewView): Promise<void> {
    this.view = view;
    view.webview.options = chatWebviewOptions(this.extensionUri);
    const connection = new ChatWebview(view.webview, 'view', this.extensionUri, this.session, this.outlets, this.log);
    this.connection = connection;
    followHost(connection, view, view.onDidChangeVisibility, () => {
      if (this.view === view) {
        this.view = undefined;
        this.connection = undefined;
      }
    });
    await connection.attach();
    this.resolved?.();
  }

  /** Shows the view (resolving it the first time) and resolves once the session takes messages. */
  async reveal(): Promise<ChatSession> {
    if (this.view) {
      this.view.show(false);
    } else {
      const resolved = new Promise<void>((done) => (this.resolved = done));
      await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
      await resolved;
    }
    this.connection?.use();
    return this.session();
  }

  dispose(): void {
    this.connection?.dispose();
  }
}
