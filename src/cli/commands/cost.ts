import { InputError } from '../../core/errors.js';
import { parseUsage, priceUsage, utcDate } from '../../core/prices/cost.js';
import { resolveModel } from '../../core/prices/priceTable.js';
import { parseDateFlag, parseFlags, writeJson, type Command } from '../command.js';
import { loadPriceTable } from '../priceTable.js';
import { formatUsd } from '../../core/format.js';

const USAGE = 'tally cost --model M --usage JSON [--date YYYY-MM-DD] [--batch] [--json] [--prices FILE]';

export const costCommand: Command = {
  summary: 'price an Anthropic usage object',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseFlags(
      args,
      {
        model: { type: 'string' },
        usage: { type: 'string' },
        date: { type: 'string' },
        batch: { type: 'boolean' },
        json: { type: 'boolean' },
        prices: { type: 'string' },
      },
      USAGE,
    );
    if (!values.model || !values.usage) throw new InputError(`--model and --usage are required\nusage: ${USAGE}`);
    const date = parseDateFlag(values.date, 'date') ?? utcDate(Date.now());
    let rawUsage: unknown;
    try {
      rawUsage = JSON.parse(values.usage);
    } catch {
      throw new InputError(`--usage is not valid JSON: ${values.usage.slice(0, 80)}`);
    }
    const table = loadPriceTable(values.prices, io.env);
    const model = resolveModel(table, values.model);
    const usd = priceUsage(table, model, parseUsage(rawUsage, '--usage'), { date, batch: values.batch ?? false });
    if (values.json) {
      writeJson(io, { model: model.id, date, usd });
      return 0;
    }
    const rows: [string, number][] = [
      ['input', usd.input],
      ['cache write 5m', usd.cacheWrite5m],
      ['cache write 1h', usd.cacheWrite1h],
      ['cache read', usd.cacheRead],
      ['output', usd.output],
    ];
    io.stdout(`${model.id} on ${date}${values.batch ? ' (batch)' : ''}\n`);
    for (const [label, value] of rows) io.stdout(`  ${label.padEnd(16)}${formatUsd(value).padStart(12)}\n`);
    io.stdout(`  ${'total'.padEnd(16)}${formatUsd(usd.total).padStart(12)}\n`);
    return 0;
  },
};
