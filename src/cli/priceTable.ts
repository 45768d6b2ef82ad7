import { applyPriceOverrides, bundledPriceTable, type PriceTable } from '../core/prices/priceTable.js';
import { readTextFile } from './io.js';

/** The bundled table, with the user's `--prices FILE` (or TALLY_PRICES) applied on top. */
export function loadPriceTable(pricesFile: string | undefined, env: NodeJS.ProcessEnv): PriceTable {
  const file = pricesFile ?? env['TALLY_PRICES'];
  const table = bundledPriceTable();
  if (!file) return table;
  return applyPriceOverrides(table, readTextFile(file), file);
}
