import { InputError } from '../../core/errors.js';
import { resolveModel } from '../../core/prices/priceTable.js';
import { countUserMessageTokens, estimateUtf8TokensWithBand, withFrame } from '../../core/tokens/estimator.js';
import { parseFlags, writeJson, type Command } from '../command.js';
import { eachJsonLine, readTextBytes, type CliIO } from '../io.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE = 'tally count --model M [FILE|-] [--json] [--jsonl] [--exact [--base-url URL]] [--prices FILE]';

export const countCommand: Command = {
  summary: 'token count of a text sent as one user message',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      {
        model: { type: 'string' },
        json: { type: 'boolean' },
        jsonl: { type: 'boolean' },
        exact: { type: 'boolean' },
        'base-url': { type: 'string' },
        prices: { type: 'string' },
      },
      USAGE,
    );
    if (!values.model) throw new InputError(`--model is required\nusage: ${USAGE}`);
    if (positionals.length > 1) throw new InputError(`expected one FILE, got ${positionals.length}\nusage: ${USAGE}`);
    const model = resolveModel(loadPriceTable(values.prices, io.env), values.model);
    if (values.jsonl) return countJsonLines(io, positionals[0], model.family);
    const bytes = await readTextBytes(io, positionals[0]);
    // --exact asks the API's count_tokens (free, rate-limited, needs a key); otherwise nothing waits on the network.
    if (values.exact) {
      // Loaded only here, so an offline count does not pay for the client at start-up.
      const { createMessagesClient } = await import('../../core/anthropic/client.js');
      const tokens = await createMessagesClient({
        apiKey: io.env['ANTHROPIC_API_KEY'] ?? '',
        ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
      }).countTokens({
        model: model.id,
        messages: [{ role: 'user', content: bytes.toString('utf8') }],
      });
      if (values.json) writeJson(io, { model: model.id, family: model.family, tokens, method: 'exact' });
      else io.stdout(`${tokens} tokens (${model.id}, ${model.family} tokenizer, Anthropic's count_tokens)\n`);
      return 0;
    }
    // The estimate counts the UTF-8 bytes as read, with the range the true count is expected in.
    const { tokens, low, high } = withFrame(estimateUtf8TokensWithBand(bytes, model.family), model.family);
    if (values.json) writeJson(io, { model: model.id, family: model.family, tokens, low, high, method: 'estimate' });
    else io.stdout(`${tokens} tokens, likely ${low}-${high} (${model.id}, ${model.family} tokenizer, estimated offline)\n`);
    return 0;
  },
};

/** One `{"id","text"}` line in, one `{"id","tokens"}` line out; bad lines are reported by number and the rest counted. */
function countJsonLines(io: CliIO, file: string | undefined, family: Parameters<typeof countUserMessageTokens>[1]): Promise<number> {
  return eachJsonLine(io, file, 'count', (record) => {
    const { id, text } = record as { id?: unknown; text?: unknown };
    if (typeof text !== 'string') return '"text" must be a string';
    if (text.includes('\u0000')) return '"text" looks binary (contains a NUL character)';
    writeJson(io, { id: id ?? null, tokens: countUserMessageTokens(text, family) });
    return undefined;
  });
}
