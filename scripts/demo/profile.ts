// The demo's throw-away VS Code profile: user settings, a copy of the sample workspace, and a ledger
// seeded with two weeks of sample spend and the earlier conversation. Everything lives in one temp
// folder that the demo removes when it stops.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { systemTimeZone } from '../../src/core/dates.js';
import { openLedger } from '../../src/core/ledger/ledger.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { sampleConversation } from './sampleConversation.js';
import { sampleSpend } from './sampleSpend.js';

export const REPO_ROOT = resolve(__dirname, '../..');
const SAMPLE_WORKSPACE = join(REPO_ROOT, 'demo/workspace');

/** Today's sample spend and the daily budget: 72% of it, just under the 80% warning. */
export const DEMO_TODAY_USD = 3.6;
export const DEMO_DAILY_BUDGET_USD = 5;
export const DEMO_MONTHLY_BUDGET_USD = 150;

export interface DemoProfile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
  ledgerDir: string;
  /** The earlier conversation, for the extension to put in the chat history on first start. */
  conversationFile: string;
  /** code-server's own config and state, kept out of the user's home. */
  xdgConfig: string;
  xdgData: string;
  seededEntries: number;
}

export interface ProfileOptions {
  /** The simulated API's URL, or null when the demo uses Anthropic's API with the user's key. */
  simulatedApiUrl: string | null;
  nowMs?: number;
}

export function createProfile(options: ProfileOptions): DemoProfile {
  const root = mkdtempSync(join(tmpdir(), 'tally-demo-'));
  const profile: DemoProfile = {
    root,
    userDataDir: join(root, 'user-data'),
    extensionsDir: join(root, 'extensions'),
    workspaceDir: join(root, 'corner-shop'),
    ledgerDir: join(root, 'ledger'),
    conversationFile: join(root, 'conversation.json'),
    xdgConfig: join(root, 'xdg-config'),
    xdgData: join(root, 'xdg-data'),
    seededEntries: 0,
  };
  for (const dir of [join(profile.userDataDir, 'User'), profile.extensionsDir, profile.ledgerDir]) mkdirSync(dir, { recursive: true });
  cpSync(SAMPLE_WORKSPACE, profile.workspaceDir, { recursive: true });
  writeFileSync(join(profile.userDataDir, 'User/settings.json'), `${JSON.stringify(userSettings(profile, options), null, 2)}\n`);
  profile.seededEntries = seedLedger(profile, options.nowMs ?? Date.now());
  return profile;
}

function userSettings(profile: DemoProfile, options: ProfileOptions): Record<string, unknown> {
  const simulated = options.simulatedApiUrl;
  return {
    'workbench.startupEditor': 'readme',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    // The sample workspace is Tally's own; the trust prompt would only stand between the user and the demo.
    'security.workspace.trust.enabled': false,
    'tally.ledgerDirectory': profile.ledgerDir,
    'tally.budget.dailyUsd': DEMO_DAILY_BUDGET_USD,
    'tally.budget.monthlyUsd': DEMO_MONTHLY_BUDGET_USD,
    'tally.gateway.enabled': true,
    ...(simulated ? { 'tally.apiBaseUrl': simulated, 'tally.gateway.upstream': simulated } : {}),
  };
}

function seedLedger(profile: DemoProfile, nowMs: number): number {
  const table = bundledPriceTable();
  const timeZone = systemTimeZone();
  const workspace = { path: profile.workspaceDir, name: 'corner-shop' };
  const discountsPath = join(profile.workspaceDir, 'src/discounts.ts');
  const earlier = sampleConversation(table, nowMs, workspace, { path: discountsPath, text: readFileSync(discountsPath, 'utf8') });
  const entries = [...sampleSpend({ table, nowMs, timeZone, workspace, todayUsd: DEMO_TODAY_USD }), ...earlier.entries].sort((a, b) =>
    a.ts.localeCompare(b.ts),
  );
  const ledger = openLedger(profile.ledgerDir, { timeZone, priceTable: table });
  for (const entry of entries) {
    const result = ledger.append(entry);
    if (!result.written) throw new Error(`could not seed the demo ledger in ${profile.ledgerDir}: ${result.reason}`);
  }
  writeFileSync(profile.conversationFile, `${JSON.stringify(earlier.conversation, null, 2)}\n`);
  return entries.length;
}
