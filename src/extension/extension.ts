import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { ChatSession } from './chat/chatSession.js';
import { ChatOutlets } from './chat/chatOutlets.js';
import { ChatPanel, CHAT_VIEW_TYPE } from './chat/chatPanel.js';
import { EditorContext, readMentionedFile } from './chat/editorContext.js';
import { EstimateStatus, showEstimatePick } from './estimateStatus.js';
import type { EditorPrompt } from './selectionEstimate.js';
import { seedDemoConversation, simulatedNotice } from './demo.js';
import { createHostServices } from './hostServices.js';
import { isPromptLikeDocument } from './promptFiles.js';
import { clearApiKey, promptForApiKey } from './secrets.js';
import { registerGateway, type GatewayRegistration } from './gateway/index.js';
import { registerClaudeCodeImport } from './import/index.js';
import { registerLanguageModelFeatures } from './lm/register.js';
import { registerSpendFeatures } from './spend/index.js';
import { registerTelemetry } from './telemetry/index.js';
import { registerWindowHome } from './views/register.js';

// Activation does only cheap wiring: the chat engine, estimator tables and router load on
// first use (dynamic imports), so startup pays for none of them.

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Tally', { log: true });
  const services = createHostServices(context, log);
  context.subscriptions.push(log, services);
  const servicesReady = performance.now();

  let session: Promise<ChatSession> | undefined;
  const editors = new EditorContext();
  context.subscriptions.push(editors);
  const getSession = () => (session ??= createSession());
  // The one session shows in the editor tab and in the side bar view at once.
  const outlets = new ChatOutlets();
  const chat = new ChatPanel(context.extensionUri, getSession, outlets, log);

  async function createSession(): Promise<ChatSession> {
    const [{ ChatSession }, { ConversationStore }, { extensionChatStack, engineOrNotice, sendingBlocked, windowCacheModel }] =
      await Promise.all([import('./chat/chatSession.js'), import('./chat/conversationStore.js'), import('./chat/chatHost.js')]);
    // The demo's earlier conversation goes in before the session reads the history.
    await seedDemoConversation(process.env, context.workspaceState, (line) => log.warn(line));
    let created: ChatSession | undefined;
    const stack = extensionChatStack(
      services,
      'chat',
      (decision) => created?.confirmBudget(decision.message) ?? Promise.resolve(false),
      windowCacheModel(context.workspaceState),
    );
    created = new ChatSession({
      store: new ConversationStore(context.workspaceState),
      post: (message) => outlets.post(message),
      engine: () => engineOrNotice(stack, services),
      sendingBlocked: () => sendingBlocked(services),
      stack,
      models: () => services.settings().models,
      readAttachment: (kind) => editors.read(kind),
      readMention: readMentionedFile,
      runCommand: (command) => void vscode.commands.executeCommand(command),
      apiNote: () => simulatedNotice(services.settings().apiBaseUrl),
      now: Date.now,
      newId: () => crypto.randomUUID(),
      log: (text) => log.warn(text),
    });
    context.subscriptions.push(
      services.onDidChangeSettings(() => created?.refreshEstimates()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void created?.checkCanSend()),
    );
    return created;
  }

  const sendToChat = async (prompt: EditorPrompt, tier: 'auto' | 'haiku' | 'sonnet' | 'opus' | null) => {
    // The chat the user has in view: the side bar's when it shows, else the editor tab.
    const opened = chatView?.visible ? await chatView.reveal() : await chat.open();
    const editor = vscode.window.activeTextEditor;
    const promptLike = editor ? isPromptLikeDocument(editor.document.languageId, editor.document.fileName) : false;
    if (promptLike || prompt.source === 'file') {
      opened.putDraft(prompt.text, tier);
    } else {
      // Code goes in as context; the question is the user's to write.
      await opened.attachFromEditor('selection');
      if (tier) opened.putDraft('', tier);
    }
  };

  let chatView: ReturnType<typeof registerWindowHome> | undefined;
  const estimate = new EstimateStatus(services);
  context.subscriptions.push(
    chat,
    estimate,
    vscode.commands.registerCommand('tally.openChat', () => chat.open()),
    vscode.commands.registerCommand('tally.estimateSelection', () => showEstimatePick(estimate, sendToChat)),
    vscode.commands.registerCommand('tally.sendSelectionToChat', async () => {
      const prompt = await estimate.current();
      if (!prompt) {
        void vscode.window.showInformationMessage('Tally: select the text to send to the chat first.');
        return;
      }
      await sendToChat(prompt.prompt, null);
    }),
    // Settings filtered to Tally's (the gear in the chat and spend views and panels).
    vscode.commands.registerCommand('tally.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`),
    ),
    vscode.commands.registerCommand('tally.setApiKey', async () => {
      if (await promptForApiKey(context.secrets)) void session?.then((s) => s.checkCanSend());
    }),
    vscode.commands.registerCommand('tally.clearApiKey', async () => {
      await clearApiKey(context.secrets, process.env);
      void session?.then((s) => s.checkCanSend());
    }),
    vscode.window.registerWebviewPanelSerializer(CHAT_VIEW_TYPE, { deserializeWebviewPanel: (panel) => chat.restore(panel) }),
  );

  const ownReady = performance.now();
  const spend = registerSpendFeatures(context, services, estimate);
  chatView = registerWindowHome(context, services, { session: getSession, outlets, spend, log });
  gateway = registerGateway(context, services);
  registerClaudeCodeImport(context, services);
  registerTelemetry(context, services);
  registerLanguageModelFeatures(context, services);
  const done = performance.now();
  const ms = (from: number, to: number) => `${(to - from).toFixed(1)} ms`;
  log.info(
    `activated in ${ms(started, done)} (settings and prices ${ms(started, servicesReady)}, chat and estimate ${ms(servicesReady, ownReady)}, spend ${ms(ownReady, done)})`,
  );
}

let gateway: GatewayRegistration | undefined;

/** In-flight gateway requests finish and are recorded before the extension host goes. */
export async function deactivate(): Promise<void> {
  await gateway?.stop();
}
