// Every key Tally keeps in VS Code's workspace state, in one place (secrets live only in SecretStorage).
/** Every workspaceState key Tally uses. Bump the version when the stored shape changes. */
export const STORAGE_KEYS = {
  index: 'tally.chat.index.v1',
  active: 'tally.chat.active.v1',
  conversation: (id: string) => `tally.chat.conversation.v1.${id}` as const,
  /** The prompt-cache model (what is warm on which model until when), so a reload estimates warm turns as warm. */
  cacheModel: 'tally.cacheModel.v1',
  /** The demo conversation file already put in the history. */
  demoSeeded: 'tally.demo.seeded.v1',
} as const;
