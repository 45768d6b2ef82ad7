import * as vscode from 'vscode';
import { SECRET_KEYS } from '../secrets.js';
import type { TallyServices } from '../services.js';

/**
 * `tally.hasApiKey` (a key from secret storage or ANTHROPIC_API_KEY) and `tally.hasStoredApiKey`
 * (one Tally can clear), for `when` clauses: the palette shows Clear only when there is a key to
 * clear, the walkthrough ticks its first step once there is one. Kept current as secrets change.
 */
export function registerContextKeys(context: vscode.ExtensionContext, services: TallyServices): void {
  const update = async () => {
    const stored = Boolean((await context.secrets.get(SECRET_KEYS.anthropicApiKey))?.trim());
    const any = stored || (await services.getApiKey()) !== undefined;
    await vscode.commands.executeCommand('setContext', 'tally.hasStoredApiKey', stored);
    await vscode.commands.executeCommand('setContext', 'tally.hasApiKey', any);
  };
  context.subscriptions.push(
    context.secrets.onDidChange((event) => {
      if (event.key === SECRET_KEYS.anthropicApiKey) void update();
    }),
  );
  void update();
}
