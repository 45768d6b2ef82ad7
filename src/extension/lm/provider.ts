import * as vscode from 'vscode';
import { resolveModel } from '../../core/prices/priceTable.js';
import type { TallyServices } from '../services.js';
import type { LmMessage } from './messages.js';
import type { LmModelChoice, LmPipeline } from './send.js';

/** The vendor VS Code knows Tally's models by (package.json's languageModelChatProviders). */
export const LM_VENDOR = 'tally';

/** The models Tally offers in VS Code's model picker: the router's choice, and each tier as mapped by tally.models.*. */
export const LM_MODELS: ReadonlyArray<{ id: string; name: string; choice: LmModelChoice }> = [
  { id: 'tally-auto', name: 'Tally Auto', choice: 'auto' },
  { id: 'tally-haiku', name: 'Tally Haiku', choice: 'haiku' },
  { id: 'tally-sonnet', name: 'Tally Sonnet', choice: 'sonnet' },
  { id: 'tally-opus', name: 'Tally Opus', choice: 'opus' },
];

type TallyModelInfo = vscode.LanguageModelChatInformation & { choice: LmModelChoice };

/** Tally as a language model provider (vendor `tally`): requests go through Tally's pipeline (./send.ts), loaded on first use. */
export class TallyLanguageModels implements vscode.LanguageModelChatProvider<TallyModelInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly settingsChanged: vscode.Disposable;
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;

  constructor(
    private readonly services: TallyServices,
    private readonly pipeline: () => Promise<LmPipeline>,
  ) {
    // A changed tier mapping changes what each model is.
    this.settingsChanged = services.onDidChangeSettings(() => this.changed.fire());
  }

  dispose(): void {
    this.settingsChanged.dispose();
    this.changed.dispose();
  }

  provideLanguageModelChatInformation(): TallyModelInfo[] {
    const table = this.services.priceTable();
    const models = this.services.settings().models;
    return LM_MODELS.map(({ id, name, choice }) => {
      // Auto may answer on any tier: it promises what every tier can take.
      const tiers = choice === 'auto' ? (['haiku', 'sonnet', 'opus'] as const) : [choice];
      const infos = tiers.map((tier) => resolveModel(table, models[tier]));
      return {
        id,
        name,
        choice,
        family: 'tally',
        version: choice === 'auto' ? 'router' : infos[0]!.id,
        detail: choice === 'auto' ? 'routed per request' : infos[0]!.id,
        tooltip:
          choice === 'auto'
            ? "Tally's router picks the cheapest capable tier for each request and records why."
            : `Tally's ${choice} tier (${infos[0]!.id}), metered and budgeted by Tally.`,
        maxInputTokens: Math.min(...infos.map((info) => info.contextWindow - info.maxOutput)),
        maxOutputTokens: Math.min(...infos.map((info) => info.maxOutput)),
        capabilities: { toolCalling: true, imageInput: true },
      };
    });
  }

  async provideLanguageModelChatResponse(
    model: TallyModelInfo,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const choice = model.choice ?? LM_MODELS.find((known) => known.id === model.id)?.choice ?? 'auto';
    const abort = new AbortController();
    const cancelled = token.onCancellationRequested(() => abort.abort());
    try {
      // The mapping and the pipeline load on the first request, not on activation.
      const [pipeline, { toAnthropicConversation, toAnthropicTools }] = await Promise.all([this.pipeline(), import('./messages.js')]);
      const maxTokens = options.modelOptions?.['max_tokens'];
      const result = await pipeline.send({
        choice,
        conversation: toAnthropicConversation(messages as readonly LmMessage[]),
        ...toAnthropicTools(options.tools, options.toolMode),
        ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
        signal: abort.signal,
        onText: (delta) => progress.report(new vscode.LanguageModelTextPart(delta)),
        onToolUse: (call) => progress.report(new vscode.LanguageModelToolCallPart(call.id, call.name, call.input)),
      });
      if (!result.sent) {
        if (token.isCancellationRequested) return;
        throw new Error(`Tally: ${result.message}`);
      }
      if (result.status === 'error') throw new Error(`Tally: ${result.error ?? 'the request failed'}`);
    } finally {
      cancelled.dispose();
    }
  }

  async provideTokenCount(model: TallyModelInfo, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    const table = this.services.priceTable();
    const tier = model.choice === 'auto' || !model.choice ? 'sonnet' : model.choice;
    const family = resolveModel(table, this.services.settings().models[tier]).family;
    // The estimator's tables load when VS Code first asks for a count, not on activation.
    const [{ estimateTextTokens, messageFrameTokens }, { messageText }] = await Promise.all([
      import('../../core/tokens/estimator.js'),
      import('./messages.js'),
    ]);
    if (typeof text === 'string') return estimateTextTokens(text, family);
    return messageFrameTokens(family) + estimateTextTokens(messageText(text as LmMessage), family);
  }
}
