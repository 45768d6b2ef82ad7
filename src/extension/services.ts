import type * as vscode from 'vscode';
import type { PriceTable } from '../core/prices/priceTable.js';
import type { TallySettings } from './settings.js';

export type { TallySettings } from './settings.js';

/** The folder spend is recorded against (the first workspace folder, or "no folder"). */
export interface WorkspaceIdentity {
  path: string;
  name: string;
}

/** Fired after a chat request has been appended to the ledger (ok, error or aborted). */
export interface SpendRecorded {
  /** ISO timestamp of the request, as written to the ledger. */
  ts: string;
  model: string;
  usd: number;
  status: 'ok' | 'error' | 'aborted';
}

/**
 * What the extension host shares with its features (the chat panel here, the spend status bar
 * and dashboard in ./spend). Accessors read the current, validated state each time they are
 * called, so a feature never caches a stale setting.
 */
export interface TallyServices {
  /** Settings after validation: a bad value is reported once and the last good value is kept. */
  settings(): TallySettings;
  readonly onDidChangeSettings: vscode.Event<TallySettings>;
  /** The bundled price table with tally.pricesFile applied (a broken file is reported and ignored). */
  priceTable(): PriceTable;
  /** tally.ledgerDirectory, or the per-user directory the CLI uses by default. */
  ledgerDirectory(): string;
  workspace(): WorkspaceIdentity;
  readonly onDidRecordSpend: vscode.Event<SpendRecorded>;
  /** SecretStorage first, then ANTHROPIC_API_KEY; undefined when neither is set. Never log it. */
  getApiKey(): Promise<string | undefined>;
  /** False in Restricted Mode: Tally then reads and shows, and sends nothing. */
  isTrusted(): boolean;
  /** The "Tally" output channel. */
  readonly log: vscode.LogOutputChannel;
}
