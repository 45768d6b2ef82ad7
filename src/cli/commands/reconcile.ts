import { homedir } from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../core/errors.js';
import { formatTable, formatUsd } from '../../core/format.js';
import { openLedger, resolveLedgerDir } from '../../core/ledger/index.js';
import { utcDate } from '../../core/prices/cost.js';
import { createAdminClient, reconcile, type Reconciliation } from '../../core/reconcile/index.js';
import { parseDateFlag, parseFlags, writeJson, type Command } from '../command.js';
import { decodeText, readFileOrThrow, type CliIO } from '../io.js';
import { loadPriceTable } from '../priceTable.js';

const USAGE =
  'tally reconcile [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--ledger DIR] [--admin-key-file FILE] [--base-url URL] [--prices FILE] [--json]';
const DEFAULT_DAYS = 7;

export const reconcileCommand: Command = {
  summary: "compare the ledger with Anthropic's bill (Admin API usage and cost reports) per day and model, with likely reasons",
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      {
        since: { type: 'string' },
        until: { type: 'string' },
        ledger: { type: 'string' },
        'admin-key-file': { type: 'string' },
        'base-url': { type: 'string' },
        prices: { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    if (positionals.length > 0) throw new InputError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
    const today = utcDate(Date.now());
    const until = parseDateFlag(values.until, 'until') ?? today;
    const since = parseDateFlag(values.since, 'since') ?? utcDate(Date.parse(`${until}T00:00:00Z`) - (DEFAULT_DAYS - 1) * 86_400_000);
    if (since > until) throw new InputError(`--since ${since} is after --until ${until}`);
    const adminKey = readAdminKey(values['admin-key-file'], io);
    const table = loadPriceTable(values.prices, io.env);

    const admin = createAdminClient({ adminKey, ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}) });
    const range = { since, until };
    const [usage, cost] = await Promise.all([admin.usage(range), admin.cost(range)]);
    const dir = path.resolve(resolveLedgerDir(values.ledger, io.env, homedir(), process.platform));
    const { entries, problems } = openLedger(dir, { priceTable: table, timeZone: 'UTC' }).query(range);
    if (problems.count > 0)
      io.stderr(`tally reconcile: skipped ${problems.count} unreadable ledger line${problems.count === 1 ? '' : 's'}\n`);
    const result = reconcile({ ...range, entries, usage, cost, priceTable: table, today });

    if (values.json) writeJson(io, { ledger: dir, ...result });
    else io.stdout(render(result));
    return 0;
  },
};

/** ANTHROPIC_ADMIN_KEY or the first line of --admin-key-file; the key itself is never printed. */
function readAdminKey(file: string | undefined, io: CliIO): string {
  const key = file ? decodeText(readFileOrThrow(file), file).split(/\r?\n/)[0]!.trim() : (io.env['ANTHROPIC_ADMIN_KEY'] ?? '').trim();
  if (!key)
    throw new InputError(
      file
        ? `${file} is empty: it should hold an Admin API key (sk-ant-admin…)`
        : 'reconcile needs an Admin API key (sk-ant-admin…, Console → Settings → Admin keys): set ANTHROPIC_ADMIN_KEY or pass --admin-key-file FILE',
    );
  if (/\s/.test(key)) throw new InputError('the Admin API key contains a space or a line break; check ANTHROPIC_ADMIN_KEY or the key file');
  return key;
}

function render(result: Reconciliation): string {
  const signed = (usd: number) => `${usd > 0 ? '+' : ''}${formatUsd(usd)}`;
  const rows = result.rows.map((row) => [
    row.day,
    row.model,
    String(row.ledger.requests),
    formatUsd(row.ledger.usd),
    formatUsd(row.bill.usd),
    signed(row.differenceUsd),
    row.findings.map((finding) => finding.kind).join(', '),
  ]);
  const lines = [
    `Tally's ledger against Anthropic's bill, ${result.since} to ${result.until} (UTC days)`,
    '',
    result.rows.length > 0
      ? formatTable(['day', 'model', 'requests', 'ledger', 'bill', 'difference', 'finding'], rows).trimEnd()
      : 'Neither the ledger nor the bill has any request in this range.',
    '',
  ];
  for (const row of result.rows) {
    for (const finding of row.findings) if (finding.kind !== 'match') lines.push(`${row.day} ${row.model}: ${finding.message}`);
  }
  for (const other of result.otherCosts)
    lines.push(`${other.day}: ${formatUsd(other.usd)} of ${other.costType.replace('_', ' ')} on the bill, which Tally does not meter`);
  const { ledgerUsd, billUsd, differenceUsd } = result.totals;
  lines.push('', `total: ledger ${formatUsd(ledgerUsd)}, bill ${formatUsd(billUsd)}, difference ${signed(differenceUsd)}`, '');
  return lines.join('\n');
}
