// The quirk table Tally's import is tested against (test/unit/importQuirks.ts), checked against the real
// ccusage 20.0.24: for each case, the report(s) the table names count exactly the tokens it expects, and
// where the table states a deliberate difference, ccusage does count otherwise.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeLog } from '../unit/importFixtures.js';
import { QUIRKS } from '../unit/importQuirks.js';
import { clientToolsOrSkip } from './claudeCode.js';

interface CcusageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
}

function ccusageTotals(bin: string, root: string, report: 'daily' | 'session') {
  const out = execFileSync(bin, ['claude', report, '--json', '--offline'], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: root, CLAUDE_CONFIG_DIR: root, TZ: 'UTC' },
    encoding: 'utf8',
  });
  const totals = (JSON.parse(out) as { totals: CcusageTotals }).totals;
  return {
    input: totals.inputTokens,
    output: totals.outputTokens,
    cacheWrite: totals.cacheCreationTokens,
    cacheRead: totals.cacheReadTokens,
  };
}

for (const quirk of QUIRKS) {
  test(`ccusage ${quirk.ccusage === 'none' ? 'differs' : 'agrees'}: ${quirk.name}`, async (t) => {
    const tools = await clientToolsOrSkip(t);
    if (!tools) return;
    const root = mkdtempSync(join(tmpdir(), 'tally-ccusage-quirk-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    for (const [relative, lines] of Object.entries(quirk.files)) writeLog(root, relative, lines);
    if (quirk.ccusage === 'none') {
      assert.notDeepEqual(ccusageTotals(tools.ccusageBin, root, 'daily'), quirk.expected);
      return;
    }
    const reports = quirk.ccusage === 'both' ? (['daily', 'session'] as const) : [quirk.ccusage];
    for (const report of reports) assert.deepEqual(ccusageTotals(tools.ccusageBin, root, report), quirk.expected, `ccusage ${report}`);
  });
}
