// `tally reconcile` against the fake Usage and Cost Admin API (src/simulator/admin.ts), with one seeded
// difference per day, each of which must be named for what it is.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildLedgerEntry, openLedger, type LedgerEntry, type LedgerSource } from '../../src/core/ledger/index.js';
import { rateCardFor, splitUsage, type Usage } from '../../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import type { Reconciliation } from '../../src/core/reconcile/index.js';
import { startFakeAdmin, type BilledRequest, type FakeAdmin } from '../../src/simulator/admin.js';
import { runTally } from './cliHarness.js';
import { scratchDir } from './scratch.js';

const ADMIN_KEY = 'sk-ant-admin01-test-key-0123456789';
const table = bundledPriceTable();
const dir = scratchDir('tally-reconcile-');
const ledgerDir = join(dir, 'ledger');
const billed: BilledRequest[] = [];
let admin: FakeAdmin;

/** A request Tally recorded; `bill` (default: the same tokens on apikey_tally) is what Anthropic billed for it. */
function tallyRequest(
  ts: string,
  model: string,
  usage: Usage,
  options: { source?: LedgerSource; usageEstimated?: boolean; bill?: BilledRequest['tokens'] | null; billedAs?: string } = {},
): void {
  const entry: LedgerEntry = buildLedgerEntry(table, {
    startedAt: Date.parse(ts),
    workspace: { path: '/work/shop', name: 'shop' },
    source: options.source ?? 'gateway',
    client: 'claude-code',
    model: resolveModel(table, model),
    defaultModel: resolveModel(table, 'sonnet'),
    usage,
    usageEstimated: options.usageEstimated ?? false,
    status: 'ok',
    durationMs: 1000,
  });
  openLedger(ledgerDir, { priceTable: table }).append(entry);
  if (options.bill !== null)
    billed.push({ ts, model: options.billedAs ?? entry.model, apiKeyId: 'apikey_tally', tokens: options.bill ?? splitUsage(usage) });
}

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_input_tokens: cacheRead,
  cache_creation_input_tokens: cacheWrite,
  cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
});

before(async () => {
  // 2026-11-02: a CI job calls Sonnet 4.5 with its own key, bypassing Tally. The bill names the dated model id.
  tallyRequest('2026-11-02T09:00:00Z', 'claude-sonnet-4-5', usage(1200, 400, 8000, 2000), { billedAs: 'claude-sonnet-4-5-20250929' });
  billed.push({
    ts: '2026-11-02T11:30:00Z',
    model: 'claude-sonnet-4-5-20250929',
    apiKeyId: 'apikey_ci_nightly',
    tokens: { input: 50_000, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 6000 },
  });
  // 2026-11-03: Anthropic bills Haiku 4.5 output at $6/MTok; Tally's table still says $5.
  tallyRequest('2026-11-03T10:00:00Z', 'claude-haiku-4-5', usage(3000, 2500));
  tallyRequest('2026-11-03T10:05:00Z', 'claude-haiku-4-5', usage(2000, 1500));
  // 2026-11-04: a proxy dropped usage.cache_creation, so Tally took 1-hour writes for 5-minute ones.
  tallyRequest(
    '2026-11-04T14:00:00Z',
    'claude-opus-4-5',
    { input_tokens: 900, output_tokens: 700, cache_creation_input_tokens: 30_000, cache_read_input_tokens: 0 },
    { bill: { input: 900, cacheWrite5m: 0, cacheWrite1h: 30_000, cacheRead: 0, output: 700 } },
  );
  // 2026-11-05: Claude Code on a subscription, imported from its logs: Tally counts it, the API bill does not.
  tallyRequest('2026-11-05T08:00:00Z', 'claude-sonnet-4-5', usage(4000, 900), { source: 'import', bill: null });
  // 2026-11-06: the server sent no usable usage; Tally's estimate was 180 input tokens high.
  tallyRequest('2026-11-06T16:00:00Z', 'claude-haiku-4-5', usage(1500, 300), {
    usageEstimated: true,
    bill: { input: 1320, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0, output: 300 },
  });
  // 2026-11-07: everything agrees (and web search is billed with no model).
  tallyRequest('2026-11-07T12:00:00Z', 'claude-sonnet-4-5', usage(2500, 800, 12_000, 0));
  tallyRequest('2026-11-07T12:10:00Z', 'claude-haiku-4-5', usage(700, 90));

  admin = await startFakeAdmin({
    adminKeys: [ADMIN_KEY],
    billed: () => billed,
    otherCosts: [{ day: '2026-11-07', costType: 'web_search', usd: 0.1 }],
    rates: (model, day) => {
      const card = rateCardFor(model, day, 0);
      return model.id === 'claude-haiku-4-5' && day === '2026-11-03' ? { ...card, output: 6 } : card;
    },
  });
});
after(() => admin.close());

const reconcileArgs = ['reconcile', '--since', '2026-10-05', '--until', '2026-11-13', '--ledger', ledgerDir];

async function runReconcile(): Promise<Reconciliation> {
  const run = await runTally([...reconcileArgs, '--base-url', admin.url, '--json'], '', { ANTHROPIC_ADMIN_KEY: ADMIN_KEY });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(!run.stdout.includes(ADMIN_KEY));
  return JSON.parse(run.stdout) as Reconciliation;
}

test('each seeded difference is found on its day and model, and named for its cause', async () => {
  const result = await runReconcile();
  const kinds = Object.fromEntries(result.rows.map((row) => [`${row.day} ${row.model}`, row.findings.map((f) => f.kind)]));
  assert.deepEqual(kinds, {
    '2026-11-02 claude-sonnet-4-5': ['outside-tally'],
    '2026-11-03 claude-haiku-4-5': ['price-change'],
    '2026-11-04 claude-opus-4-5': ['cache-ttl'],
    '2026-11-05 claude-sonnet-4-5': ['not-billed'],
    '2026-11-06 claude-haiku-4-5': ['estimated-usage'],
    '2026-11-07 claude-haiku-4-5': ['match'],
    '2026-11-07 claude-sonnet-4-5': ['match'],
  });
  const finding = (day: string, model: string) => result.rows.find((row) => row.day === day && row.model === model)!.findings[0]!;

  const outside = finding('2026-11-02', 'claude-sonnet-4-5');
  assert.equal(outside.apiKeyId, 'apikey_ci_nightly');
  assert.match(outside.message, /56000 tokens \(\$0\.24 at Tally's prices\) on API key apikey_ci_nightly/);
  assert.match(finding('2026-11-03', 'claude-haiku-4-5').message, /output at \$6\/MTok where Tally's table has \$5\/MTok/);
  assert.match(
    finding('2026-11-04', 'claude-opus-4-5').message,
    /30000 cache-write tokens as 5-minute writes, the bill has them as 1-hour writes \(\$0\.1125 more/,
  );
  assert.match(finding('2026-11-05', 'claude-sonnet-4-5').message, /Tally recorded 4900 tokens .*subscription/);
  assert.match(finding('2026-11-06', 'claude-haiku-4-5').message, /estimated the usage of 1 of 1 requests.*-180 uncached input/);

  // The totals add up: the bill's token costs, plus web search, against the ledger.
  assert.deepEqual(result.otherCosts, [{ day: '2026-11-07', costType: 'web_search', usd: 0.1 }]);
  const rowsBill = result.rows.reduce((sum, row) => sum + row.bill.usd, 0);
  assert.ok(Math.abs(result.totals.billUsd - (rowsBill + 0.1)) < 1e-9);
  const matched = result.rows.find((row) => row.day === '2026-11-07' && row.model === 'claude-sonnet-4-5')!;
  assert.ok(Math.abs(matched.differenceUsd) < 1e-6);
});

test('the 40-day range is read through the reports’ pagination, grouped by model and API key', async () => {
  admin.requests.length = 0;
  await runReconcile();
  const usagePages = admin.requests.filter((r) => r.path === '/v1/organizations/usage_report/messages');
  const costPages = admin.requests.filter((r) => r.path === '/v1/organizations/cost_report');
  assert.equal(usagePages.length, 2, '31 daily buckets a page: 40 days take two');
  assert.equal(costPages.length, 2);
  const first = new URLSearchParams(usagePages[0]!.query);
  assert.deepEqual(first.getAll('group_by[]'), ['model', 'api_key_id']);
  assert.equal(first.get('bucket_width'), '1d');
  assert.equal(first.get('starting_at'), '2026-10-05T00:00:00Z');
  assert.equal(first.get('ending_at'), '2026-11-14T00:00:00Z');
  assert.ok(new URLSearchParams(usagePages[1]!.query).get('page'));
  assert.deepEqual(new URLSearchParams(costPages[0]!.query).getAll('group_by[]'), ['description']);
});

test('the table names each difference and its reason in words', async () => {
  const run = await runTally([...reconcileArgs, '--base-url', admin.url], '', { ANTHROPIC_ADMIN_KEY: ADMIN_KEY });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /2026-11-02\s+claude-sonnet-4-5\s+1\s+\$\S+\s+\$\S+\s+\+\$\S+\s+outside-tally/);
  assert.match(run.stdout, /2026-11-02 claude-sonnet-4-5: requests made outside Tally/);
  assert.match(run.stdout, /2026-11-07: \$0\.10 of web search on the bill, which Tally does not meter/);
  assert.match(run.stdout, /^total: ledger \$\S+, bill \$\S+, difference \+\$\S+$/m);
});

test('the admin key comes from ANTHROPIC_ADMIN_KEY or a file, is never printed, and a refused key says what kind is needed', async () => {
  const missing = await runTally([...reconcileArgs, '--base-url', admin.url], '', {});
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /needs an Admin API key .*ANTHROPIC_ADMIN_KEY or pass --admin-key-file/);

  const keyFile = join(dir, 'admin-key');
  writeFileSync(keyFile, `${ADMIN_KEY}\n`);
  const fromFile = await runTally([...reconcileArgs, '--base-url', admin.url, '--admin-key-file', keyFile, '--json'], '', {});
  assert.equal(fromFile.code, 0, fromFile.stderr);

  const wrongKey = 'sk-ant-api03-a-normal-api-key';
  const refused = await runTally([...reconcileArgs, '--base-url', admin.url], '', { ANTHROPIC_ADMIN_KEY: wrongKey });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /refused the key \(401.*Admin API key \(sk-ant-admin…\)/);
  assert.ok(!refused.stderr.includes(wrongKey) && !refused.stdout.includes(wrongKey));

  const badDay = await runTally(['reconcile', '--since', '2026-02-30'], '', { ANTHROPIC_ADMIN_KEY: ADMIN_KEY });
  assert.equal(badDay.code, 2);
  assert.match(badDay.stderr, /--since expects a calendar date as YYYY-MM-DD/);
});

test('an unreachable Admin API is an API error (exit 4), not a crash', async () => {
  const run = await runTally([...reconcileArgs, '--base-url', 'http://127.0.0.1:1'], '', { ANTHROPIC_ADMIN_KEY: ADMIN_KEY });
  assert.equal(run.code, 4);
  assert.match(run.stderr, /^tally reconcile: cannot reach http:\/\/127\.0\.0\.1:1/);
});
