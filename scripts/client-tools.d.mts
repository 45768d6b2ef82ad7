// Types for scripts/client-tools.mjs, so TypeScript tests can import it.
export const CLAUDE_CODE_VERSION: string;
export const CCUSAGE_VERSION: string;
export interface ClientTools {
  root: string;
  claudeBin: string;
  ccusageBin: string;
  claudeCodeVersion: string;
  ccusageVersion: string;
}
export function cacheRoot(): string;
export function findClientTools(): ClientTools | null;
export function ensureClientTools(): ClientTools;
