import type { BudgetPrompt, HostMessage } from '../../protocol/chat.js';

/**
 * The budget questions open in the panel ("Send anyway?", "Confirm this request"): asked through
 * the webview, answered by `budgetAnswer`, asked again when the webview is re-created, and answered
 * "no" when the user moves on (stop, new chat, another conversation, the panel closed), so a send
 * never waits forever.
 */
export class BudgetPrompts {
  private readonly pending = new Map<string, { prompt: BudgetPrompt; resolve: (sendAnyway: boolean) => void }>();

  constructor(
    private readonly post: (message: HostMessage) => void,
    private readonly newId: () => string,
  ) {}

  ask(kind: BudgetPrompt['kind'], message: string, estimateUsd: number | null): Promise<boolean> {
    const prompt: BudgetPrompt = { promptId: this.newId(), kind, message, estimateUsd };
    return new Promise((resolve) => {
      this.pending.set(prompt.promptId, { prompt, resolve });
      this.post({ type: 'budgetPrompt', prompt });
    });
  }

  answer(promptId: string, sendAnyway: boolean): void {
    const open = this.pending.get(promptId);
    this.pending.delete(promptId);
    open?.resolve(sendAnyway);
  }

  /** The webview lost its dialogs with its document: show them again. */
  repost(): void {
    for (const { prompt } of this.pending.values()) this.post({ type: 'budgetPrompt', prompt });
  }

  declineAll(): void {
    const open = [...this.pending.values()];
    this.pending.clear();
    for (const { resolve } of open) resolve(false);
  }
}
