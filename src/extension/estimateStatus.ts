import type * as EstimateWork from './estimateWork.js';
import * as vscode from 'vscode';
import { formatTokens, formatUsd } from '../core/format.js';
import { isPromptLikeDocument } from './promptFiles.js';
import type { TallyServices } from './services.js';
import type { RoutedTier } from '../core/tiers.js';
import { estimateSummary, type EstimateSummary } from './estimateSummary.js';
import type { ComputedEstimate, EditorPrompt } from './selectionEstimate.js';

// The estimate of what is selected (or of the whole active file when it is a prompt-like file),
// shown in the spend status bar item's tooltip. The estimator and router load on the first
// selection, not at activation.

type Estimator = typeof EstimateWork;
let estimator: Promise<Estimator> | undefined;
const loadEstimator = () => (estimator ??= import('./estimateWork.js'));

export function editorPrompt(editor: vscode.TextEditor | undefined): EditorPrompt | undefined {
  if (!editor) return undefined;
  const fileName = vscode.workspace.asRelativePath(editor.document.uri);
  const uri = editor.document.uri.toString();
  const selected = editor.selections
    .map((s) => editor.document.getText(s))
    .filter((t) => t.trim() !== '')
    .join('\n');
  if (selected) return { text: selected, source: 'selection', fileName, key: `selection:${uri}` };
  if (isPromptLikeDocument(editor.document.languageId, editor.document.fileName)) {
    const text = editor.document.getText();
    if (text.trim() !== '') return { text, source: 'file', fileName, key: fileKey(editor.document.uri) };
  }
  return undefined;
}

const fileKey = (uri: vscode.Uri) => `file:${uri.toString()}`;

/**
 * The estimate for what is selected, kept current as the selection and the text change. It has no
 * status bar item of its own (one Tally item, VS Code's guideline): the spend item shows it in its
 * tooltip (summary()) and listens to onDidChange.
 */
export class EstimateStatus implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private latest: ComputedEstimate | undefined;
  /** Token counts carried between keystrokes (loaded with the estimator). */
  private tokens: InstanceType<Estimator['PromptTokens']> | undefined;

  constructor(private readonly services: TallyServices) {
    this.disposables.push(
      this.changed,
      vscode.window.onDidChangeTextEditorSelection(() => this.schedule()),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.workspace.onDidChangeTextDocument((event) => {
        // Where the text changed, so the next estimate recounts only that part of a large file.
        this.tokens?.noteEdits(
          fileKey(event.document.uri),
          event.contentChanges.map((change) => ({
            offset: change.rangeOffset,
            removedLength: change.rangeLength,
            insertedLength: change.text.length,
          })),
        );
        if (event.document === vscode.window.activeTextEditor?.document) this.schedule();
      }),
      services.onDidChangeSettings(() => this.schedule()),
    );
    this.schedule();
  }

  /** The estimate for what is selected now (computed fresh), for the command and the quick pick. */
  async current(prompt = editorPrompt(vscode.window.activeTextEditor)): Promise<ComputedEstimate | undefined> {
    if (!prompt) return undefined;
    const work = await loadEstimator();
    this.tokens ??= new work.PromptTokens();
    return work.computeEstimate(this.services, prompt, this.tokens);
  }

  /** The latest estimate's tooltip section and screen-reader sentence, or undefined with nothing selected. */
  summary(): EstimateSummary | undefined {
    return this.latest && estimateSummary(this.latest);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    // Selection events fire per cursor move; a short pause keeps typing and dragging smooth.
    this.timer = setTimeout(() => void this.update(), 120);
  }

  private async update(): Promise<void> {
    // The document's text is read once per update (a 1 MB file is a 1 MB copy).
    const prompt = editorPrompt(vscode.window.activeTextEditor);
    const before = this.latest;
    try {
      this.latest = prompt && (await this.current(prompt));
    } catch (error) {
      this.services.log.warn(`estimate: ${(error as Error).message}`);
      this.latest = undefined;
    }
    if (before !== this.latest) this.changed.fire();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

/** tally.estimateSelection: the estimate per tier; picking one sends the text to the chat on that tier. */
export async function showEstimatePick(
  status: EstimateStatus,
  sendToChat: (prompt: EditorPrompt, tier: RoutedTier | 'auto') => Promise<void>,
): Promise<void> {
  const estimate = await status.current();
  if (!estimate) {
    void vscode.window.showInformationMessage(
      'Tally: select some text (or open a Markdown or text prompt file) to see what sending it would cost.',
    );
    return;
  }
  type Item = vscode.QuickPickItem & { tier: RoutedTier | 'auto' };
  const items: Item[] = estimate.tiers.map((t) => ({
    tier: t.tier,
    label: `${t.tier === estimate.recommended ? '$(star-full) ' : ''}${t.displayName}`,
    description: `≈${formatTokens(t.inputTokens)} tok · ${formatUsd(t.usd)}`,
    detail:
      t.tier === estimate.recommended
        ? `Recommended: ${estimate.reasons.join('; ')}. Select to send to Tally Chat on this tier.`
        : 'Select to send to Tally Chat on this tier.',
  }));
  items.push({ tier: 'auto', label: '$(comment-discussion) Send to chat, tier chosen when sending', description: 'auto' });
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = `Tally: cost of sending the ${estimate.prompt.source} (${estimate.prompt.fileName})`;
  pick.placeholder = 'Estimate per tier (with a typical answer). Pick one to send the text to the chat panel.';
  pick.items = items;
  // Cheapest first, but Enter takes the recommendation.
  pick.activeItems = items.filter((item) => item.tier === estimate.recommended);
  const picked = await new Promise<Item | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (picked) await sendToChat(estimate.prompt, picked.tier);
}
