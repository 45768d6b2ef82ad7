import { homedir } from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../core/errors.js';
import { formatTable, formatTokens, formatUsd } from '../../core/format.js';
import {
  openLedger,
  resolveLedgerDir,
  SUMMARY_DIMENSIONS,
  TOTAL_FIELDS,
  type Summary,
  type SummaryDimension,
} from '../../core/ledger/index.js';
import { roundUsd } from '../../core/prices/cost.js';
import { parseDateFlag, parseFlags, writeJson, type Command, cliTimeZone } from '../command.js';
import type { CliIO } from '../io.js';
import { loadPriceTable } from '../priceTable.js';
import { csvCell } from '../../core/csv.js';

const USAGE =
  'tally report [--ledger DIR] [--workspace DIR] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--by day|model|tier|workspace|client] [--json|--csv] [--prices FILE]';

/** How many skipped lines to name on stderr; the count covers all of them. */
const SHOWN_PROBLEMS = 5;

export const reportCommand: Command = {
  summary: 'spend from the ledger by day, model, tier or workspace, with cache and routing savings',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      args,
      {
        ledger: { type: 'string' },
        workspace: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        by: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        prices: { type: 'string' },
      },
      USAGE,
    );
    if (positionals.length > 0) throw new InputError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
    if (values.json && values.csv) throw new InputError('choose one of --json and --csv');
    const by = (values.by ?? 'day') as SummaryDimension;
    if (!SUMMARY_DIMENSIONS.includes(by)) throw new InputError(`--by expects one of ${SUMMARY_DIMENSIONS.join(', ')}, got "${values.by}"`);
    const since = parseDateFlag(values.since, 'since');
    const until = parseDateFlag(values.until, 'until');
    if (since && until && since > until) throw new InputError(`--since ${since} is after --until ${until}`);
    const workspace = values.workspace === undefined ? undefined : path.resolve(values.workspace);

    const dir = path.resolve(resolveLedgerDir(values.ledger, io.env, homedir(), process.platform));
    const ledger = openLedger(dir, { priceTable: loadPriceTable(values.prices, io.env), timeZone: cliTimeZone(io.env) });
    const summary = ledger.summarize(by, { ...(workspace ? { workspace } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}) });

    reportProblems(io, summary);
    if (values.json)
      writeJson(io, { ledger: dir, filter: { workspace: workspace ?? null, since: since ?? null, until: until ?? null }, ...summary });
    else if (values.csv) io.stdout(renderCsv(summary));
    else if (summary.rows.length === 0)
      io.stdout(
        `No requests recorded in ${dir}${describeFilter(workspace, since, until)}. Requests sent with \`tally chat\` or the VS Code extension appear here.\n`,
      );
    else io.stdout(renderTable(summary));
    return 0;
  },
};

function describeFilter(workspace: string | undefined, since: string | undefined, until: string | undefined): string {
  return [workspace ? ` for ${workspace}` : '', since ? ` since ${since}` : '', until ? ` until ${until}` : ''].join('');
}

/** Skipped lines go to stderr, so a torn or corrupt line is noticed but never hides the rest. */
function reportProblems(io: CliIO, summary: Summary): void {
  const { count, examples } = summary.problems;
  if (count === 0) return;
  const shown = examples.slice(0, SHOWN_PROBLEMS).map((p) => `${p.file}:${p.line}: ${p.reason}`);
  const more = count > shown.length ? `; and ${count - shown.length} more` : '';
  io.stderr(`tally report: skipped ${count} unreadable ledger line${count === 1 ? '' : 's'}: ${shown.join('; ')}${more}\n`);
}

function renderTable(summary: Summary): string {
  const cells = (label: string, t: Summary['total']) => [
    label,
    String(t.requests),
    formatTokens(t.inputTokens),
    formatTokens(t.cacheWriteTokens),
    formatTokens(t.cacheReadTokens),
    formatTokens(t.outputTokens),
    formatUsd(t.usd),
    formatUsd(t.cacheSavingsUsd),
    formatUsd(t.routingSavingsUsd),
  ];
  const rows = summary.rows.map((row) =>
    cells(summary.by === 'workspace' && row.label !== row.key ? `${row.label} (${row.key})` : row.label, row),
  );
  rows.push(cells('total', summary.total));
  const failed =
    summary.total.failed > 0
      ? `\n${summary.total.failed} of ${summary.total.requests} requests failed or were cancelled; their partial usage is included.\n`
      : '';
  return (
    formatTable([summary.by, 'requests', 'input', 'cache write', 'cache read', 'output', 'USD', 'cache saved', 'routing saved'], rows) +
    failed
  );
}

// Every total the ledger keeps, in its order; amounts without binary floating-point noise.
const CSV_FIELDS = TOTAL_FIELDS;
const csvValue = (field: (typeof TOTAL_FIELDS)[number], value: number) => (/usd$/i.test(field) ? roundUsd(value) : value);

function renderCsv(summary: Summary): string {
  const header: (string | number)[] = [summary.by, 'label', ...CSV_FIELDS];
  const lines = [
    ...summary.rows.map((row) => [row.key, row.label, ...CSV_FIELDS.map((field) => csvValue(field, row[field]))]),
    ['total', '', ...CSV_FIELDS.map((field) => csvValue(field, summary.total[field]))],
  ];
  return [header, ...lines].map((cells) => cells.map(csvCell).join(',')).join('\n') + '\n';
}
