import * as vscode from 'vscode';
import { parseWebviewMessage, type HostMessage } from '../../protocol/chat.js';
import { chatHtml } from '../webviewHtml.js';
import type { ChatSession } from './chatSession.js';

export const CHAT_VIEW_TYPE = 'tally.chat';

/**
 * The one chat panel. Without retainContextWhenHidden (memory and CPU stay free while hidden):
 * when shown again the webview posts `ready` and gets the full state back, and keeps its draft
 * through getState/setState. A serializer brings the panel back after a reload.
 */
export class ChatPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The webview has loaded and asked for state; before that (and while hidden) posts would be lost. */
  private ready = false;
  /** What must survive until the webview is back: a draft handed to it, a notice. Open budget questions come with `init`. */
  private queue: HostMessage[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly session: () => Promise<ChatSession>,
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
        this.options(),
      );
      await this.attach(panel);
    }
    return this.session();
  }

  /** The serializer's entry after a reload. */
  async restore(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = this.options();
    await this.attach(panel);
  }

  post(message: HostMessage): void {
    if (this.panel && this.ready) {
      void this.panel.webview.postMessage(message);
      return;
    }
    // Everything else is in the full state the webview gets on `ready`.
    if (message.type === 'setDraft' || message.type === 'notice') this.queue.push(message);
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private async attach(panel: vscode.WebviewPanel): Promise<void> {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    const asset = (file: string) => panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', file)).toString();
    const session = await this.session();
    panel.webview.html = chatHtml({ cspSource: panel.webview.cspSource, scriptUri: asset('chat.js'), styleUri: asset('chat.css') });
    const subscriptions = [
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = parseWebviewMessage(raw);
        if ('error' in parsed) {
          this.log.warn(`chat: ignored ${parsed.error}`);
          return;
        }
        if (parsed.message.type === 'ready') this.ready = true;
        session
          .handle(parsed.message)
          .then(() => {
            if (parsed.message.type === 'ready') this.queue.splice(0).forEach((queued) => this.post(queued));
          })
          .catch((error: unknown) => {
            this.log.error(`chat: ${parsed.message.type} failed: ${(error as Error).message}`);
            this.post({ type: 'notice', notice: { kind: 'error', message: (error as Error).message, action: null } });
            if (parsed.message.type === 'send') this.post({ type: 'setDraft', text: parsed.message.text, choice: null });
          });
      }),
      panel.onDidChangeViewState(() => {
        // Hidden means the webview's document is gone; it says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        subscriptions.forEach((d) => d.dispose());
        // Nobody can answer a budget dialog in a closed panel: the send is declined and its text kept for the next panel.
        session.declineBudgetPrompts();
        if (this.panel === panel) this.panel = undefined;
      }),
    ];
  }
}
