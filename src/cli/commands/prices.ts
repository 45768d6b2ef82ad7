import { ratesOn } from '../../core/prices/priceTable.js';
import { utcDate } from '../../core/prices/cost.js';
import { formatTable } from '../../core/format.js';
import { parseDateFlag, parseFlags, writeJson, type Command } from '../command.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE = 'tally prices [--json] [--date YYYY-MM-DD] [--prices FILE]';

/** A rate in USD per million tokens, as the pricing page writes it (3.75, 0.3). */
const perMillion = (rate: number) => String(rate);

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
      return [
        model.id,
        model.tier,
        model.family,
        perMillion(rates.input),
        perMillion(rates.cacheWrite5m),
        perMillion(rates.cacheWrite1h),
        perMillion(rates.cacheRead),
        perMillion(rates.output),
        String(model.minCacheableTokens),
        rates.longPrompt
          ? `>${rates.longPrompt.aboveTokens / 1000}k: ${perMillion(rates.longPrompt.input)}/${perMillion(rates.longPrompt.output)}`
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
