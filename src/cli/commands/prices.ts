import { ratesOn } from '../../core/prices/priceTable.js';
import { utcDate } from '../../core/prices/cost.js';
import { formatTable } from '../../core/format.js';
import { parseDateFlag, parseFlags, writeJson, type Command } from '../command.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE = 'tally prices [--json] [--date YYYY-MM-DD] [--prices FILE]';

export const pricesCommand: Command = {
  summary: 'the price table in force, with its source and date',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseFlags(args, { json: { type: 'boolean' }, prices: { type: 'string' }, date: { type: 'string' } }, USAGE);
    const table = loadPriceTable(values.prices, io.env);
    if (values.json) {
      writeJson(io, table);
      return 0;
    }
    const date = parseDateFlag(values.date, 'date') ?? utcDate(Date.now());
    const rows = table.models.map((model) => {
      const rates = ratesOn(model, date);
      const money = (n: number) => String(n);
      return [
        model.id,
        model.tier,
        model.family,
        money(rates.input),
        money(rates.cacheWrite5m),
        money(rates.cacheWrite1h),
        money(rates.cacheRead),
        money(rates.output),
        String(model.minCacheableTokens),
        rates.longPrompt
          ? `>${rates.longPrompt.aboveTokens / 1000}k: ${money(rates.longPrompt.input)}/${money(rates.longPrompt.output)}`
          : '',
      ];
    });
    io.stdout(`USD per million tokens on ${date}. Source: ${table.source.url}, checked ${table.source.checked}.\n\n`);
    io.stdout(
      formatTable(['model', 'tier', 'tokenizer', 'input', 'write 5m', 'write 1h', 'read', 'output', 'min cache', 'long prompt'], rows),
    );
    io.stdout(
      `\nBatch requests: ${Math.round(table.batchDiscount * 100)}% off. Tiers: ${Object.entries(table.tierDefaults)
        .map(([t, m]) => `${t}=${m}`)
        .join(', ')}\n`,
    );
    return 0;
  },
};
