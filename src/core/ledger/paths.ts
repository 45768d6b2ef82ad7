import * as path from 'node:path';

/**
 * The per-user ledger directory the CLI and the VS Code extension share, so `tally report`
 * shows the editor's spend: $XDG_DATA_HOME/tally/ledger (default ~/.local/share) on Linux and
 * other Unixes, ~/Library/Application Support/Tally/ledger on macOS, %APPDATA%\Tally\ledger on Windows.
 */
export function defaultLedgerDir(env: Record<string, string | undefined>, homeDir: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    const appData = env['APPDATA'] || path.win32.join(homeDir, 'AppData', 'Roaming');
    return path.win32.join(appData, 'Tally', 'ledger');
  }
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Application Support', 'Tally', 'ledger');
  // The XDG spec says relative values are invalid and must be ignored.
  const xdg = env['XDG_DATA_HOME'];
  const dataHome = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homeDir, '.local', 'share');
  return path.posix.join(dataHome, 'tally', 'ledger');
}

/** `--ledger DIR`, else TALLY_LEDGER_DIR, else the per-user default. */
export function resolveLedgerDir(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  homeDir: string,
  platform: NodeJS.Platform,
): string {
  return flag || env['TALLY_LEDGER_DIR'] || defaultLedgerDir(env, homeDir, platform);
}

/** Ledger files are per UTC month: 2026-11.jsonl. */
export function monthFileName(month: string): string {
  return `${month}.jsonl`;
}

export const MONTH_FILE_PATTERN = /^(\d{4}-\d{2})\.jsonl$/;
