// Tally inside VS Code's own Chat: the `tally` language models (vscode.lm) and the @tally participant.
// Activation only registers them; the pipeline, the chat stack and the SDK load on the first request.
import * as vscode from 'vscode';
import type { TallyServices } from '../services.js';
import { tallyFollowups } from './followups.js';
import { LM_VENDOR, TallyLanguageModels } from './provider.js';
import type { LmPipeline } from './send.js';

export const PARTICIPANT_ID = 'tally.tally';

export function registerLanguageModelFeatures(context: vscode.ExtensionContext, services: TallyServices): void {
  let pipeline: Promise<LmPipeline> | undefined;
  const loadPipeline = () => (pipeline ??= import('./pipelineHost.js').then(({ createLmPipeline }) => createLmPipeline(services)));
  const models = new TallyLanguageModels(services, loadPipeline);
  context.subscriptions.push(models, vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, models));
  // VS Code lists a provider's models in the Chat view's picker only once something asked for its vendor.
  void Promise.resolve(vscode.lm.selectChatModels({ vendor: LM_VENDOR })).catch((error: unknown) =>
    services.log.warn(`language models: ${(error as Error).message}`),
  );

  let handler: Promise<vscode.ChatRequestHandler> | undefined;
  const loadHandler = () =>
    (handler ??= Promise.all([import('./participant.js'), import('../chat/chatHost.js')]).then(([{ createChatHandler }, host]) =>
      createChatHandler(
        services,
        host.extensionChatStack(
          services,
          'vscode-chat',
          async (decision) => {
            const choice = await vscode.window.showWarningMessage(`Tally: ${decision.message}`, { modal: true }, 'Send anyway');
            return choice === 'Send anyway';
          },
          host.windowCacheModel(context.workspaceState),
        ),
      ),
    ));
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, async (request, chatContext, stream, token) =>
    (await loadHandler())(request, chatContext, stream, token),
  );
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
  participant.followupProvider = tallyFollowups;
  context.subscriptions.push(participant);
}
