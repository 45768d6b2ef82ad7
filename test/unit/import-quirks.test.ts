// Each Claude Code log quirk of importQuirks.ts, imported into a fresh ledger: the ledger's token
// totals are the ones the table gives (ccusage's count, or Tally's stated difference).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { importClaudeCode } from '../../src/core/import/claudeCodeImport.js';
import { openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { writeLog } from './importFixtures.js';
import { QUIRKS } from './importQuirks.js';
import { scratchDir } from './scratch.js';

const table = bundledPriceTable();

for (const quirk of QUIRKS) {
  test(quirk.name, async () => {
    const root = scratchDir('tally-quirk-');
    const config = join(root, 'claude');
    for (const [relative, lines] of Object.entries(quirk.files)) writeLog(config, relative, lines);
    const ledger = openLedger(join(root, 'ledger'), { priceTable: table, persistIndex: false });
    await importClaudeCode({ projectDirs: [join(config, 'projects')], ledger, priceTable: table });
    const total = ledger.summarize('day').total;
    assert.deepEqual(
      { input: total.inputTokens, output: total.outputTokens, cacheWrite: total.cacheWriteTokens, cacheRead: total.cacheReadTokens },
      quirk.expected,
    );
  });
}
