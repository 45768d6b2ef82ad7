import * as vscode from 'vscode';
import type { ChatOutlets } from '../chat/chatOutlets.js';
import type { ChatSession } from '../chat/chatSession.js';
import type { TallyServices } from '../services.js';
import type { SpendSource } from '../spend/spendSource.js';
import { ChatView, CHAT_VIEW_ID } from './chatView.js';
import { registerContextKeys } from './contextKeys.js';
import { SpendTreeProvider, SPEND_TREE_ID } from './spendTree.js';

export interface WindowHomeDeps {
  session: () => Promise<ChatSession>;
  outlets: ChatOutlets;
  spend: SpendSource;
  log: vscode.LogOutputChannel;
}

/**
 * Tally's home in the window: the Tally side bar (the chat view and the spend tree) and the context
 * keys the palette's `when` clauses read. Registering costs nothing until the side bar is opened.
 */
export function registerWindowHome(context: vscode.ExtensionContext, services: TallyServices, deps: WindowHomeDeps): ChatView {
  const chatView = new ChatView(context.extensionUri, deps.session, deps.outlets, deps.log);
  const tree = new SpendTreeProvider(services, deps.spend);
  context.subscriptions.push(
    chatView,
    tree,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chatView),
    vscode.window.createTreeView(SPEND_TREE_ID, { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand('tally.openChatView', () => chatView.reveal()),
  );
  registerContextKeys(context, services);
  return chatView;
}
