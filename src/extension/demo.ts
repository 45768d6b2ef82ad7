// What `npm run demo` tells the extension through the environment it starts VS Code with (only the
// user's own launch sets these; a workspace cannot):
//   TALLY_SIMULATED_API      the simulated Anthropic API's URL: answers and costs through it are
//                            labelled simulated wherever Tally shows them.
//   TALLY_DEMO_CONVERSATION  a stored conversation (JSON) to put in the chat history on first start.
import { readFile } from 'node:fs/promises';
import type { KeyValueStore } from './chat/conversationStore.js';

const SEEDED_KEY = 'tally.demo.seeded.v1';

/** True when requests go to the demo's simulated API, so the costs Tally shows are not real. */
export function isSimulatedApi(env: NodeJS.ProcessEnv, apiBaseUrl: string | null): boolean {
  const simulated = env['TALLY_SIMULATED_API']?.trim();
  return Boolean(simulated && apiBaseUrl && sameOrigin(simulated, apiBaseUrl));
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** The line each surface shows while the API is simulated. */
export const SIMULATED_NOTICE = 'Simulated API: answers and costs are made up by the demo, nothing is billed.';

/**
 * Puts the demo's earlier conversation in the history, once per workspace (a conversation the user
 * deletes stays deleted). A file that is missing or not a stored conversation is logged and skipped.
 */
export async function seedDemoConversation(env: NodeJS.ProcessEnv, state: KeyValueStore, log: (line: string) => void): Promise<void> {
  const file = env['TALLY_DEMO_CONVERSATION']?.trim();
  if (!file || state.get(SEEDED_KEY) === file) return;
  try {
    // Loaded only in the demo, so an ordinary activation pays for none of it.
    const [v, { ConversationStore, StoredConversationSchema }] = await Promise.all([
      import('valibot'),
      import('./chat/conversationStore.js'),
    ]);
    const store = new ConversationStore(state);
    const parsed = v.safeParse(StoredConversationSchema, JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) {
      log(`TALLY_DEMO_CONVERSATION ${file} is not a stored conversation: ${parsed.issues[0]?.message ?? 'unreadable'}`);
      return;
    }
    await store.save(parsed.output);
    await state.update(SEEDED_KEY, file);
  } catch (error) {
    log(`TALLY_DEMO_CONVERSATION ${file} could not be read: ${(error as Error).message}`);
  }
}
