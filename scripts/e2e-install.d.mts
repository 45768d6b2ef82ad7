// Types for scripts/e2e-install.mjs, so TypeScript (the demo, the e2e harness) can import it.
export const CODE_SERVER_VERSION: string;
export function cacheRoot(): string;
export interface CodeServerTools {
  root: string;
  nodeBinDir: string;
  codeServerBin: string;
}
export interface E2eTools extends CodeServerTools {
  playwrightCoreDir: string;
  chromiumPath: string;
}
export function ensureE2eTools(options?: { browser?: true }): E2eTools;
export function ensureE2eTools(options: { browser: false }): CodeServerTools;
