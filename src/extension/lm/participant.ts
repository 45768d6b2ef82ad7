// @tally in VS Code's Chat view, with or without Copilot: answers through Tally's chat stack (router,
// cache plan, hard budget, one ledger entry with source 'vscode-chat'), with its tier, cost and cache
// saving under the reply; /cost, /spend and /budget answer without sending anything.
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { ChatStack } from '../../core/chat/stack.js';
import { Conversation, type ContextFile } from '../../core/chat/conversation.js';
import { ROUTED_TIERS, isRoutedTier, type RoutedTier, type TierChoice } from '../../core/tiers.js';
import { systemTimeZone } from '../../core/dates.js';
import { engineOrNotice } from '../chat/chatHost.js';
import { SYSTEM_PROMPT } from '../chat/storedConversation.js';
import type { TallyServices } from '../services.js';
import { budgetView } from '../spend/budgetStatus.js';
import type { TallyChatMetadata } from './followups.js';
import { LM_MODELS, LM_VENDOR } from './provider.js';
import { answerFooter, budgetReply, costReply, spendReply, type TierPrice } from './replies.js';

export function createChatHandler(services: TallyServices, stack: ChatStack): vscode.ChatRequestHandler {
  return async (request, context, stream, token) => {
    const command = request.command;
    if (command === 'spend') return reply(stream, spendMarkdown(services));
    if (command === 'budget') return reply(stream, budgetMarkdown(services));
    const files = await referencedFiles(request.references);
    const conversation = conversationFrom(context.history, request.prompt);
    if (command === 'cost') {
      conversation.attach(files, conversation.nextTurnNumber);
      return reply(stream, costMarkdown(stack, conversation, request.prompt, files));
    }

    const engine = await engineOrNotice(stack, services);
    if (!('sendTurn' in engine)) {
      stream.markdown(engine.message);
      if (engine.action) stream.button({ command: engine.action, title: engine.kind === 'noKey' ? 'Set API key' : 'Manage trust' });
      return { metadata: { prompt: request.prompt, answer: '', tier: null } satisfies TallyChatMetadata };
    }
    const choice = tierFor(command, request.model);
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      const turn = await engine.sendTurn(conversation, {
        user: request.prompt,
        model: choice,
        context: files,
        signal: abort.signal,
        onText: (delta) => stream.markdown(delta),
      });
      const metadata: TallyChatMetadata = { prompt: request.prompt, answer: turn.text, tier: turn.usage ? turn.tier : null };
      if (turn.status === 'refused' || turn.status === 'declined') {
        stream.markdown(`Not sent: ${turn.budget.message}. See \`/budget\`.`);
        return { metadata };
      }
      if (turn.status === 'error') {
        stream.markdown(`\n\n${turn.error?.message ?? 'The request failed.'}`);
        if (turn.usage) stream.markdown(answerFooter(turn));
        return { metadata, errorDetails: { message: turn.error?.message ?? 'The request failed.' } };
      }
      stream.markdown(answerFooter(turn));
      return { metadata };
    } finally {
      cancelled.dispose();
    }
  };
}

/** A tier command (/opus) wins; else the model picked in the Chat view when it is a Tally tier; else the router. */
function tierFor(command: string | undefined, picked: vscode.LanguageModelChat | undefined): TierChoice {
  if (command && isRoutedTier(command)) return command;
  if (picked?.vendor !== LM_VENDOR) return 'auto';
  return LM_MODELS.find((model) => model.id === picked.id)?.choice ?? 'auto';
}

function reply(stream: vscode.ChatResponseStream, markdown: string): vscode.ChatResult {
  stream.markdown(markdown);
  return { metadata: { prompt: '', answer: '', tier: null } satisfies TallyChatMetadata };
}

/** Earlier @tally turns as the conversation (the answer text, not the footer), so the prefix is the same each turn and stays cached. */
function conversationFrom(history: vscode.ChatContext['history'], prompt: string): Conversation {
  const first = history.find((turn): turn is vscode.ChatRequestTurn => turn instanceof vscode.ChatRequestTurn);
  const id = `vscode-chat-${createHash('sha256')
    .update(first?.prompt ?? prompt) // the first question names the conversation in the ledger, from its first turn on
    .digest('base64url')
    .slice(0, 12)}`;
  const conversation = new Conversation(id, SYSTEM_PROMPT);
  for (const turn of history) {
    if (!(turn instanceof vscode.ChatResponseTurn)) continue;
    const metadata = turn.result.metadata as TallyChatMetadata | undefined;
    if (metadata?.answer && metadata.prompt) conversation.addTurn(metadata.prompt, metadata.answer, Date.now());
  }
  return conversation;
}

/** #file and selection references as context files (a range is sent as just that range). */
async function referencedFiles(references: readonly vscode.ChatPromptReference[]): Promise<ContextFile[]> {
  const files: ContextFile[] = [];
  for (const reference of references) {
    const value = reference.value;
    try {
      if (value instanceof vscode.Uri) {
        const document = await vscode.workspace.openTextDocument(value);
        files.push({ path: vscode.workspace.asRelativePath(value), text: document.getText() });
      } else if (value instanceof vscode.Location) {
        const document = await vscode.workspace.openTextDocument(value.uri);
        const lines = `${value.range.start.line + 1}-${value.range.end.line + 1}`;
        files.push({ path: `${vscode.workspace.asRelativePath(value.uri)}:${lines}`, text: document.getText(value.range) });
      } else if (typeof value === 'string' && value.trim()) {
        files.push({ path: reference.id, text: value });
      }
    } catch {
      // A reference that cannot be read (a folder, a binary) is left out rather than failing the turn.
    }
  }
  return files;
}

function costMarkdown(stack: ChatStack, conversation: Conversation, prompt: string, files: ContextFile[]): string {
  const prices: TierPrice[] = ROUTED_TIERS.map((tier: RoutedTier) => {
    const estimate = stack.estimateTurn(conversation, prompt, tier);
    return { tier, model: estimate.model.id, inputTokens: estimate.inputTokens, usd: estimate.usd.typical, worstUsd: estimate.usd.worst };
  });
  const contextTokens = prices[1] ? Math.max(0, prices[1].inputTokens) : 0;
  const decision = stack.router().route({
    prompt,
    contextTokens,
    attachedFiles: files.length,
    conversationTurns: conversation.completedTurns.length,
  });
  return costReply(
    prices,
    decision,
    files.map((file) => file.path),
  );
}

function spendMarkdown(services: TallyServices): string {
  const ledger = services.ledger();
  const workspace = services.workspace();
  const totals = ledger.spend(workspace.path);
  const month = totals.date.slice(0, 7);
  const timeZone = services.settings().timeZone ?? systemTimeZone();
  const { entries } = ledger.query({ workspace: workspace.path, since: `${month}-01` });
  return spendReply(workspace.name, totals, entries, timeZone);
}

function budgetMarkdown(services: TallyServices): string {
  const totals = services.ledger().spend(services.workspace().path);
  const settings = services.settings();
  const view = budgetView(totals.today.usd, totals.thisMonth.usd, settings.budget, Date.now(), settings.timeZone ?? systemTimeZone());
  return budgetReply(view);
}
