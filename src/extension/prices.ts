import { applyPriceOverrides, bundledPriceTable, type PriceTable } from '../core/prices/priceTable.js';

// Pure: tally.pricesFile applied over the bundled table. A broken file never breaks pricing:
// the table in use (or the bundled one) stays, and the problem names the setting and the file.

export function pricesWithOverride(
  readFile: (path: string) => string,
  file: string | null,
  inUse: PriceTable | undefined,
): { table: PriceTable; problem?: string } {
  if (file === null) return { table: bundledPriceTable() };
  try {
    return { table: applyPriceOverrides(bundledPriceTable(), readFile(file), file) };
  } catch (error) {
    const kept = inUse ? 'Keeping the prices in use.' : 'Using the bundled prices.';
    return { table: inUse ?? bundledPriceTable(), problem: `tally.pricesFile: ${(error as Error).message}. ${kept}` };
  }
}
