// `tally import claude-code` on hand-made Claude Code logs: what an imported entry holds, idempotence,
// reading only what was appended, what the gateway already recorded, responses still being written,
// models the price table lacks, and the command's errors.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { importClaudeCode, type ClaudeCodeImportReport } from '../../src/core/import/claudeCodeImport.js';
import { acquireImportLock, importStatePaths } from '../../src/core/import/importState.js';
import { LedgerIds } from '../../src/core/import/ledgerIds.js';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { priceUsage } from '../../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { runTally } from './cliHarness.js';
import { appendLog, assistantLine, DAY, LAST_PROMPT_LINE, userLine, writeLog } from './importFixtures.js';
import { scratchDir } from './scratch.js';

const table = bundledPriceTable();

function setup() {
  const root = scratchDir('tally-import-');
  return { root, config: join(root, 'claude'), ledgerDir: join(root, 'ledger') };
}

async function importCli(config: string, ledgerDir: string, extra: string[] = []): Promise<ClaudeCodeImportReport> {
  const result = await runTally(['import', 'claude-code', '--dir', config, '--ledger', ledgerDir, '--json', ...extra]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as ClaudeCodeImportReport;
}

const entriesOf = (ledgerDir: string) => openLedger(ledgerDir).query().entries;

test('each response becomes one entry: source import, client claude-code, its ids, session, workspace, time and Tally’s price', async () => {
  const { config, ledgerDir } = setup();
  writeLog(config, '-work-alpha/s-1.jsonl', [
    userLine(),
    assistantLine({ messageId: 'msg_a', requestId: 'req_a', output: 10, content: [{ type: 'text', text: 'Reading.' }] }),
    assistantLine({
      messageId: 'msg_a',
      requestId: 'req_a',
      output: 40,
      content: [{ type: 'tool_use', id: 't', name: 'Read', input: {} }],
    }),
    userLine('tool result'),
    assistantLine({ messageId: 'msg_b', requestId: 'req_b', model: 'claude-haiku-4-5', timestamp: `${DAY}T10:01:00.000Z` }),
    LAST_PROMPT_LINE,
  ]);
  writeLog(config, '-work-beta/s-2.jsonl', [
    assistantLine({ messageId: 'msg_c', requestId: 'req_c', sessionId: 's-2', cwd: '/work/beta' }),
  ]);

  const result = await runTally(['import', 'claude-code', '--dir', config, '--ledger', ledgerDir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Imported 3 Claude Code requests, \$[\d.]+ \(input 9, cache write 3\.0k, cache read 1\.5k, output 80\) from 2 session logs/,
  );

  const entries = entriesOf(ledgerDir);
  assert.equal(entries.length, 3);
  const first = entries.find((entry) => entry.requestId === 'req_a')!;
  assert.equal(first.source, 'import');
  assert.equal(first.client, 'claude-code');
  assert.equal(first.messageId, 'msg_a');
  assert.equal(first.conversationId, 's-1');
  assert.deepEqual(first.workspace, { path: '/work/alpha', name: 'alpha' });
  assert.equal(first.ts, `${DAY}T10:00:00.000Z`);
  assert.equal(first.model, 'claude-sonnet-5-5');
  assert.equal(first.usage.output_tokens, 40, 'the line with the whole usage counts');
  assert.equal(first.usd, priceUsage(table, resolveModel(table, 'claude-sonnet-5-5'), first.usage, { date: DAY }).total);
  assert.equal(entries.find((entry) => entry.requestId === 'req_b')!.model, 'claude-haiku-4-5');
  assert.deepEqual(entries.find((entry) => entry.requestId === 'req_c')!.workspace, { path: '/work/beta', name: 'beta' });
});

test('importing twice adds nothing; an appended response is read from where the last import stopped', async () => {
  const { config, ledgerDir } = setup();
  const file = writeLog(config, '-work-alpha/s-1.jsonl', [
    userLine(),
    assistantLine({ messageId: 'msg_a', requestId: 'req_a' }),
    LAST_PROMPT_LINE,
  ]);
  assert.equal((await importCli(config, ledgerDir)).imported.requests, 1);
  const again = await importCli(config, ledgerDir);
  assert.equal(again.imported.requests, 0);
  assert.deepEqual(again.files, { total: 1, read: 0, unchanged: 1 });

  const before = readFileSync(file).length;
  const added = [assistantLine({ messageId: 'msg_b', requestId: 'req_b', timestamp: `${DAY}T11:00:00.000Z` }), LAST_PROMPT_LINE];
  appendLog(file, added);
  const third = await importCli(config, ledgerDir);
  assert.equal(third.imported.requests, 1);
  assert.equal(third.bytesRead, readFileSync(file).length - before, 'only the appended bytes are read');
  assert.deepEqual(
    entriesOf(ledgerDir).map((entry) => entry.requestId),
    ['req_a', 'req_b'],
  );
});

test('without its record of what was read (or after a log is rewritten) the ledger’s ids still stop double counting', async () => {
  const { config, ledgerDir } = setup();
  const file = writeLog(config, '-work-alpha/s-1.jsonl', [assistantLine({ messageId: 'msg_a', requestId: 'req_a' }), LAST_PROMPT_LINE]);
  await importCli(config, ledgerDir);
  rmSync(importStatePaths(ledgerDir, 'claude-code').state);
  const fresh = await importCli(config, ledgerDir);
  assert.equal(fresh.imported.requests, 0);
  assert.deepEqual(fresh.alreadyRecorded, { import: 1 });

  writeFileSync(file, `${assistantLine({ messageId: 'msg_a', requestId: 'req_a' })}\n`); // shorter: rewritten
  const rewritten = await importCli(config, ledgerDir);
  assert.equal(rewritten.files.read, 1);
  assert.equal(rewritten.imported.requests, 0);
  assert.equal(entriesOf(ledgerDir).length, 1);
});

test('responses the gateway recorded (same request id, or same message id) are not added again', async () => {
  const { config, ledgerDir } = setup();
  const model = resolveModel(table, 'claude-sonnet-5-5');
  const ledger = openLedger(ledgerDir);
  const gateway = (requestId: string | null, messageId: string) =>
    buildLedgerEntry(table, {
      startedAt: Date.parse(`${DAY}T09:59:58.000Z`),
      workspace: { path: '/work/alpha', name: 'alpha' },
      source: 'gateway',
      client: 'claude-code',
      requestId,
      messageId,
      model,
      defaultModel: model,
      usage: { input_tokens: 3, output_tokens: 20, cache_creation_input_tokens: 1000, cache_read_input_tokens: 500 },
      status: 'ok',
      durationMs: 1200,
    });
  ledger.append(gateway('req_a', 'msg_a'));
  ledger.append(gateway(null, 'msg_b'));
  writeLog(config, '-work-alpha/s-1.jsonl', [
    assistantLine({ messageId: 'msg_a', requestId: 'req_a' }),
    assistantLine({ messageId: 'msg_b', requestId: 'req_b' }),
    assistantLine({ messageId: 'msg_c', requestId: 'req_c' }),
    LAST_PROMPT_LINE,
  ]);

  const result = await runTally(['import', 'claude-code', '--dir', config, '--ledger', ledgerDir]);
  assert.match(result.stdout, /^Imported 1 Claude Code request,/);
  assert.match(result.stdout, /Already in the ledger, not added again: 2 \(gateway 2\)\./);
  const entries = entriesOf(ledgerDir);
  assert.deepEqual(
    entries.map((entry) => `${entry.source}:${entry.messageId}`),
    ['gateway:msg_a', 'gateway:msg_b', 'import:msg_c'],
  );
});

test('a response whose lines end a log written seconds ago waits for the next import; one followed by other lines does not', async () => {
  const { config, ledgerDir } = setup();
  const projects = join(config, 'projects');
  const ledger = openLedger(ledgerDir);
  const streaming = writeLog(config, '-work-alpha/s-1.jsonl', [userLine(), assistantLine({ messageId: 'msg_a', output: 10 })], 0);
  writeLog(config, '-work-alpha/s-2.jsonl', [assistantLine({ messageId: 'msg_b', requestId: 'req_b', sessionId: 's-2' }), userLine()], 0);

  const first = await importClaudeCode({ projectDirs: [projects], ledger, priceTable: table });
  assert.equal(first.pending, 1);
  assert.equal(first.imported.requests, 1, 'the finished response in the other log is imported');

  // Claude Code logs the response's next content block, then moves on.
  appendLog(streaming, [assistantLine({ messageId: 'msg_a', output: 55 }), LAST_PROMPT_LINE], 0);
  const second = await importClaudeCode({ projectDirs: [projects], ledger, priceTable: table });
  assert.equal(second.pending, 0);
  assert.equal(second.imported.requests, 1);
  assert.equal(entriesOf(ledgerDir).find((entry) => entry.messageId === 'msg_a')!.usage.output_tokens, 55, 'counted with its whole usage');

  // A log that stops mid-response (Claude Code killed) is taken once it has been quiet long enough.
  writeLog(config, '-work-alpha/s-3.jsonl', [assistantLine({ messageId: 'msg_k', requestId: 'req_k', sessionId: 's-3' })], 0);
  assert.equal((await importClaudeCode({ projectDirs: [projects], ledger, priceTable: table })).pending, 1);
  const quietLater = await importClaudeCode({ projectDirs: [projects], ledger, priceTable: table, now: () => Date.now() + 60_000 });
  assert.equal(quietLater.imported.requests, 1);
});

test('a model the price table lacks is reported, not recorded, and imported once a prices file adds it', async () => {
  const { root, config, ledgerDir } = setup();
  writeLog(config, '-work-alpha/s-1.jsonl', [
    assistantLine({ messageId: 'msg_a', requestId: 'req_a', model: 'claude-future-9' }),
    assistantLine({ messageId: 'msg_b', requestId: 'req_b', model: 'claude-sonnet-5-5-20261001' }),
    LAST_PROMPT_LINE,
  ]);
  const result = await runTally(['import', 'claude-code', '--dir', config, '--ledger', ledgerDir]);
  assert.match(
    result.stdout,
    /Not imported: 1 response\(s\) of models the price table does not have \(claude-future-9 1\); add them with --prices FILE/,
  );
  assert.deepEqual(
    entriesOf(ledgerDir).map((entry) => entry.model),
    ['claude-sonnet-5-5'],
    'a dated id is priced as its model',
  );

  const sonnet = resolveModel(table, 'claude-sonnet-5-5');
  const prices = join(root, 'prices.json');
  writeFileSync(prices, JSON.stringify({ models: [{ ...sonnet, id: 'claude-future-9', displayName: 'Claude Future 9', aliases: [] }] }));
  const later = await importCli(config, ledgerDir, ['--prices', prices]);
  assert.equal(later.imported.requests, 1);
  assert.deepEqual(later.unpriced, {});
  assert.equal(entriesOf(ledgerDir).length, 2);
});

test('the editor’s workspace folders: a cwd inside one is recorded against it', async () => {
  const { config, ledgerDir } = setup();
  writeLog(config, '-work-alpha-packages-ui/s-1.jsonl', [assistantLine({ cwd: '/work/alpha/packages/ui' }), LAST_PROMPT_LINE]);
  writeLog(config, '-work-alphabet/s-2.jsonl', [
    assistantLine({ messageId: 'msg_2', requestId: 'req_2', sessionId: 's-2', cwd: '/work/alphabet' }),
  ]);
  const ledger = openLedger(ledgerDir);
  await importClaudeCode({ projectDirs: [join(config, 'projects')], ledger, priceTable: table, workspaceRoots: ['/work/alpha', '/other'] });
  assert.deepEqual(
    entriesOf(ledgerDir)
      .map((entry) => entry.workspace.path)
      .sort(),
    ['/work/alpha', '/work/alphabet'],
  );
});

test('while another import holds the lock nothing is read or written', async () => {
  const { config, ledgerDir } = setup();
  writeLog(config, '-work-alpha/s-1.jsonl', [assistantLine(), LAST_PROMPT_LINE]);
  const paths = importStatePaths(ledgerDir, 'claude-code');
  const release = acquireImportLock(paths.dir, paths.lock)!;
  try {
    const report = await importClaudeCode({ projectDirs: [join(config, 'projects')], ledger: openLedger(ledgerDir), priceTable: table });
    assert.equal(report.locked, true);
    assert.equal(entriesOf(ledgerDir).length, 0);
  } finally {
    release();
  }
  writeFileSync(paths.lock, '999999999'); // left by an import that died
  assert.equal((await importCli(config, ledgerDir)).imported.requests, 1);
});

test('CLAUDE_CONFIG_DIR is read when no --dir is given; bad arguments are one-line errors with exit code 2', async () => {
  const { config, ledgerDir } = setup();
  writeLog(config, '-work-alpha/s-1.jsonl', [assistantLine(), LAST_PROMPT_LINE]);
  const viaEnv = await runTally(['import', 'claude-code', '--ledger', ledgerDir, '--json'], '', { CLAUDE_CONFIG_DIR: config });
  assert.equal((JSON.parse(viaEnv.stdout) as ClaudeCodeImportReport).imported.requests, 1);

  const empty = await runTally(['import', 'claude-code', '--dir', ledgerDir, '--ledger', ledgerDir]);
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /^No Claude Code session logs in .*projects/);

  for (const [args, message] of [
    [['import'], /say what to import from \(claude-code\)/],
    [['import', 'cline'], /cannot import from "cline" \(known: claude-code\)/],
    [['import', 'claude-code', '--dir', join(config, 'nope')], /--dir .*nope: no such folder/],
    [['import', 'claude-code', 'extra'], /unexpected argument "extra"/],
  ] as const) {
    const result = await runTally([...args]);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, message);
  }
});

test('unreadable usage lines are skipped and named on stderr; the rest is imported', async () => {
  const { config, ledgerDir } = setup();
  writeLog(config, '-work-alpha/s-1.jsonl', [
    assistantLine({ messageId: 'msg_bad' }).replace('"output_tokens":20', '"output_tokens":-1'),
    assistantLine({ messageId: 'msg_ok', requestId: 'req_ok' }),
    LAST_PROMPT_LINE,
  ]);
  const result = await runTally(['import', 'claude-code', '--dir', config, '--ledger', ledgerDir]);
  assert.equal(result.code, 0);
  assert.match(
    result.stderr,
    /skipped 1 usage line\(s\) that do not count: .*s-1\.jsonl \(byte 0\): input_tokens and output_tokens must be whole numbers/,
  );
  assert.equal(entriesOf(ledgerDir).length, 1);
});

test('a sidechain replay of a message an earlier import recorded is not a new request', async () => {
  const { config, ledgerDir } = setup();
  writeLog(config, '-work-alpha/s-1.jsonl', [assistantLine({ messageId: 'msg_parent', requestId: 'req_parent' }), LAST_PROMPT_LINE]);
  assert.equal((await importCli(config, ledgerDir)).imported.requests, 1);
  writeLog(config, '-work-alpha/s-1/subagents/agent-1.jsonl', [
    assistantLine({ messageId: 'msg_parent', requestId: 'req_side', isSidechain: true, timestamp: `${DAY}T10:07:00.000Z` }),
    assistantLine({ messageId: 'msg_side', requestId: 'req_side', isSidechain: true, timestamp: `${DAY}T10:07:01.000Z` }),
    LAST_PROMPT_LINE,
  ]);
  const second = await importCli(config, ledgerDir);
  assert.equal(second.imported.requests, 1, 'only the side question’s own answer');
  assert.deepEqual(
    entriesOf(ledgerDir).map((entry) => entry.messageId),
    ['msg_parent', 'msg_side'],
  );
});

test('the ledger ids a one-shot import looks up by byte search are the ones a full read finds', () => {
  const { ledgerDir } = setup();
  const model = resolveModel(table, 'claude-haiku-4-5');
  const ledger = openLedger(ledgerDir);
  for (let index = 0; index < 50; index++) {
    ledger.append(
      buildLedgerEntry(table, {
        startedAt: Date.parse(`${DAY}T10:00:00.000Z`) + index,
        workspace: { path: '/work/alpha', name: 'alpha' },
        source: index % 2 ? 'gateway' : 'import',
        requestId: index % 3 ? `req_${index}` : null,
        messageId: `msg_${index}`,
        conversationId: index % 2 ? null : 's-1',
        model,
        defaultModel: model,
        usage: { input_tokens: 1, output_tokens: 1 },
        status: 'ok',
        durationMs: 0,
      }),
    );
  }
  const wanted = ['req_7', 'msg_9', 'msg_3', 'req_3', 'req_404', 'msg_"odd'];
  const targeted = new LedgerIds(ledgerDir);
  targeted.learn(['2026-11'], wanted);
  const full = new LedgerIds(ledgerDir);
  full.refresh(['2026-11']);
  for (const id of wanted) {
    assert.equal(targeted.requestSource(id), full.requestSource(id), id);
    assert.deepEqual(targeted.messageEntries(id), full.messageEntries(id), id);
  }
  assert.equal(targeted.requestSource('req_7'), 'gateway');
  assert.equal(targeted.requestSource('req_3'), undefined, 'entry 3 has no request id');
  assert.deepEqual(targeted.messageEntries('msg_3'), [
    { ts: `${DAY}T10:00:00.003Z`, source: 'gateway', requestId: null, conversationId: null },
  ]);
});
