// Pure and import-free: decides at every selection change, before any estimator code loads.

const PROMPT_LANGUAGES = new Set(['markdown', 'plaintext', 'prompt', 'instructions', 'chatmode']);
const PROMPT_FILE = /\.(prompt|prompt\.md|chatmode\.md|instructions\.md|txt)$/i;

/** Files people write prompts in: the whole file is estimated when nothing is selected. */
export function isPromptLikeDocument(languageId: string, fileName: string): boolean {
  return PROMPT_LANGUAGES.has(languageId) || PROMPT_FILE.test(fileName);
}
