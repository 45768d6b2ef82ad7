import * as vscode from 'vscode';

/** Every SecretStorage key Tally uses. The API key lives only here (or in the environment). */
export const SECRET_KEYS = { anthropicApiKey: 'tally.anthropic.apiKey' } as const;

export async function readApiKey(secrets: vscode.SecretStorage, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const stored = (await secrets.get(SECRET_KEYS.anthropicApiKey))?.trim();
  if (stored) return stored;
  const fromEnv = env['ANTHROPIC_API_KEY']?.trim();
  return fromEnv || undefined;
}

/** tally.setApiKey: a password input box; the key goes straight to SecretStorage. */
export async function promptForApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'Tally: Anthropic API key',
    prompt: "Stored in VS Code's secret storage (the OS keychain), never in settings. Create one at console.anthropic.com.",
    placeHolder: 'sk-ant-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const trimmed = value.trim();
      if (trimmed === '') return 'Paste the key, or press Escape to cancel';
      if (/\s/.test(trimmed)) return 'An API key has no spaces or line breaks';
      return undefined;
    },
  });
  if (key === undefined) return false;
  await secrets.store(SECRET_KEYS.anthropicApiKey, key.trim());
  void vscode.window.showInformationMessage('Tally: API key saved in secret storage.');
  return true;
}

/** tally.clearApiKey. Says where a key would still come from, so "cleared" is not misleading. */
export async function clearApiKey(secrets: vscode.SecretStorage, env: NodeJS.ProcessEnv): Promise<void> {
  await secrets.delete(SECRET_KEYS.anthropicApiKey);
  const stillFromEnv = Boolean(env['ANTHROPIC_API_KEY']?.trim());
  void vscode.window.showInformationMessage(
    stillFromEnv
      ? 'Tally: API key removed from secret storage. ANTHROPIC_API_KEY is still set in the environment and will be used.'
      : 'Tally: API key removed from secret storage.',
  );
}
