import * as vscode from 'vscode';
import { parseWebviewMessage, type HostMessage } from '../../protocol/chat.js';
import { chatHtml } from '../webviewHtml.js';
import type { ChatOutlet, ChatOutlets } from './chatOutlets.js';
import type { ChatSession } from './chatSession.js';

/** Options for any webview showing the chat: scripts on, the bundle and media only, no command links. */
export function chatWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * One webview showing the chat session (an editor tab or the side bar view): the same bundle and
 * CSP, validated messages in, the session's messages out. Without retainContextWhenHidden: when
 * shown again the webview posts `ready` and gets the full state back.
 */
export class ChatWebview implements ChatOutlet, vscode.Disposable {
  /** The webview has loaded and asked for state; before that (and while hidden) posts would be lost. */
  private ready = false;
  /** What must survive until the webview is back: a draft handed to it, a notice. Open budget questions come with `init`. */
  private queue: HostMessage[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly where: 'panel' | 'view',
    private readonly extensionUri: vscode.Uri,
    private readonly session: () => Promise<ChatSession>,
    private readonly outlets: ChatOutlets,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async attach(): Promise<void> {
    const asset = (file: string) => this.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', file)).toString();
    const session = await this.session();
    if (this.disposed) return;
    this.outlets.add(this);
    this.webview.html = chatHtml({
      cspSource: this.webview.cspSource,
      scriptUri: asset('chat.js'),
      styleUri: asset('chat.css'),
      outlet: this.where,
    });
    this.subscriptions.push(
      this.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = parseWebviewMessage(raw);
        if ('error' in parsed) {
          this.log.warn(`chat: ignored ${parsed.error}`);
          return;
        }
        const message = parsed.message;
        if (message.type === 'ready') this.ready = true;
        else this.outlets.use(this);
        session
          .handle(message)
          .then(() => {
            if (message.type === 'ready') this.queue.splice(0).forEach((queued) => this.post(queued));
          })
          .catch((error: unknown) => {
            this.log.error(`chat: ${message.type} failed: ${(error as Error).message}`);
            this.post({ type: 'notice', notice: { kind: 'error', message: (error as Error).message, action: null } });
            if (message.type === 'send') this.post({ type: 'setDraft', text: message.text, choice: null });
          });
      }),
    );
  }

  /** Hidden means the webview's document is gone; it says `ready` again when shown. */
  hidden(): void {
    this.ready = false;
  }

  /** The user opened this outlet: drafts and their figures come here. */
  use(): void {
    this.outlets.use(this);
  }

  post(message: HostMessage): void {
    if (this.ready) {
      void this.webview.postMessage(message);
      return;
    }
    // Everything else is in the full state the webview gets on `ready`.
    if (message.type === 'setDraft' || message.type === 'notice') this.queue.push(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.forEach((d) => d.dispose());
    // Nobody can answer a budget dialog once no chat is open: the send is declined and its text kept for the next one.
    if (this.outlets.remove(this) === 0) void this.session().then((s) => s.declineBudgetPrompts());
  }
}

/** An editor tab or a side bar view: both tell when they are hidden and when they are gone. */
export interface ChatWebviewHost {
  readonly visible: boolean;
  onDidDispose: vscode.Event<void>;
}

/**
 * Keeps `connection` in step with its host: hidden when the host is, disposed with it; `gone` lets
 * the owner forget the host. `visibilityChanged` is the host's own event (they are named differently).
 */
export function followHost(
  connection: ChatWebview,
  host: ChatWebviewHost,
  visibilityChanged: vscode.Event<unknown>,
  gone: () => void,
): void {
  const subscriptions = [
    visibilityChanged(() => {
      if (!host.visible) connection.hidden();
    }),
    host.onDidDispose(() => {
      subscriptions.forEach((d) => d.dispose());
      connection.dispose();
      gone();
    }),
  ];
}
