// `tally statusline`, fed what Claude Code 2.1.332 sends its status-line command (captured from a real
// interactive session): the workspace's spend today against its budget, the session's cost, the import
// of the session's own log, and a short line with exit code 0 whatever goes wrong.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildLedgerEntry, openLedger } from '../../src/core/ledger/index.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { runTally } from './cliHarness.js';
import { assistantLine, LAST_PROMPT_LINE, writeLog } from './importFixtures.js';
import { scratchDir } from './scratch.js';

const table = bundledPriceTable();
const opus = resolveModel(table, 'claude-opus-5-5');

/** Claude Code 2.1.332's status-line input, as captured, for a session in `dir`. */
function statusInput(dir: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    session_id: '0b89fc2d-5ec7-49d7-8c16-0f97a4ecbbf4',
    transcript_path: join(dir, 'nowhere.jsonl'),
    cwd: dir,
    effort: { level: 'medium' },
    model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
    workspace: { current_dir: dir, project_dir: dir, added_dirs: [] },
    version: '2.1.332',
    output_style: { name: 'default' },
    cost: { total_cost_usd: 0.09494, total_duration_ms: 5691, total_api_duration_ms: 58, total_lines_added: 0, total_lines_removed: 0 },
    context_window: { total_input_tokens: 18868, total_output_tokens: 30, context_window_size: 1000000, current_usage: null },
    exceeds_200k_tokens: false,
    fast_mode: false,
    thinking: { enabled: true },
    ...overrides,
  });
}

/** A ledger holding `usd` of spend today for `workspace` (one request priced to about that). */
function ledgerWith(dir: string, workspace: string, outputTokens: number): number {
  const entry = buildLedgerEntry(table, {
    startedAt: Date.now(),
    workspace: { path: workspace, name: workspace.split('/').pop()! },
    source: 'gateway',
    model: opus,
    defaultModel: opus,
    usage: { input_tokens: 0, output_tokens: outputTokens },
    status: 'ok',
    durationMs: 1,
  });
  openLedger(dir).append(entry);
  return entry.usd;
}

test('the workspace’s spend today against the daily budget, and the session’s own cost', async () => {
  const root = scratchDir('tally-status-');
  const ledger = join(root, 'ledger');
  const usd = ledgerWith(ledger, '/work/alpha', 50_000); // $1.00 of output on Opus 5.5
  ledgerWith(ledger, '/work/beta', 10_000);
  assert.equal(usd, 1);

  const result = await runTally(['statusline', '--ledger', ledger, '--daily-budget', '4'], statusInput('/work/alpha'));
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'Tally alpha: $1.00 today of $4.00 (25%) · session $0.0949\n');

  const over = await runTally(['statusline', '--ledger', ledger], statusInput('/work/alpha'), {
    TALLY_DAILY_BUDGET: '0.5',
    TALLY_MONTHLY_BUDGET: '20',
  });
  assert.equal(over.stdout, 'Tally alpha: $1.00 today, over the $0.50 budget · $1.00 this month of $20.00 (5%) · session $0.0949\n');
  const flagWins = await runTally(['statusline', '--ledger', ledger, '--daily-budget', '2'], statusInput('/work/alpha'), {
    TALLY_DAILY_BUDGET: '0.5',
  });
  assert.match(flagWins.stdout, /today of \$2\.00 \(50%\)/);
  const noBudget = await runTally(['statusline', '--ledger', ledger], statusInput('/work/beta', { cost: {} }));
  assert.equal(noBudget.stdout, 'Tally beta: $0.20 today\n');
});

test('Claude Code started in a subfolder shows the spend of the workspace that contains it', async () => {
  const root = scratchDir('tally-status-');
  const ledger = join(root, 'ledger');
  ledgerWith(ledger, '/work/alpha', 50_000);
  ledgerWith(ledger, '/work/alphabet', 10_000);
  const result = await runTally(['statusline', '--ledger', ledger], statusInput('/work/alpha/packages/ui'));
  assert.match(result.stdout, /^Tally alpha: \$1\.00 today · session/);
  const elsewhere = await runTally(['statusline', '--ledger', ledger], statusInput('/srv/other'));
  assert.match(elsewhere.stdout, /^Tally other: \$0\.00 today/);
});

test('what this session logged is imported first, so its spend outside the gateway counts today', async () => {
  const root = scratchDir('tally-status-');
  const ledger = join(root, 'ledger');
  const config = join(root, 'claude');
  const now = new Date().toISOString();
  const transcript = writeLog(config, '-work-alpha/s-1.jsonl', [
    assistantLine({ timestamp: now, model: 'claude-opus-5-5', input: 0, output: 50_000, cacheWrite: 0, cacheRead: 0 }),
    LAST_PROMPT_LINE,
  ]);
  writeLog(config, '-work-alpha/s-1/subagents/agent-1.jsonl', [
    assistantLine({
      timestamp: now,
      messageId: 'msg_sub',
      requestId: 'req_sub',
      isSidechain: true,
      model: 'claude-opus-5-5',
      input: 0,
      output: 25_000,
      cacheWrite: 0,
      cacheRead: 0,
    }),
    LAST_PROMPT_LINE,
  ]);
  writeLog(config, '-work-alpha/s-2.jsonl', [
    assistantLine({ timestamp: now, messageId: 'msg_other', requestId: 'req_other', sessionId: 's-2' }),
  ]);
  const input = statusInput('/work/alpha', { transcript_path: transcript });

  const skipped = await runTally(['statusline', '--ledger', ledger, '--no-import'], input);
  assert.match(skipped.stdout, /^Tally alpha: \$0\.00 today/);
  const imported = await runTally(['statusline', '--ledger', ledger], input);
  assert.match(imported.stdout, /^Tally alpha: \$1\.50 today/, 'the session and its subagent, not the other session');
  const again = await runTally(['statusline', '--ledger', ledger], input);
  assert.equal(again.stdout, imported.stdout, 'nothing counted twice');
  assert.equal(openLedger(ledger).query().entries.length, 2);
});

test('bad input, bad flags or an unusable ledger give one short line and exit code 0', async () => {
  const root = scratchDir('tally-status-');
  const notADir = join(root, 'file');
  writeFileSync(notADir, 'x');
  for (const [args, stdin, expected] of [
    [[], 'garbage', /^Tally [^:]+: \$0\.00 today · no status input\n$/],
    [[], '', /no status input\n$/],
    [[], '[1,2]', /no status input\n$/],
    [[], JSON.stringify({ workspace: { project_dir: 42 }, cost: { total_cost_usd: 'lots' } }), /^Tally [^:]+: \$0\.00 today\n$/],
    [['--daily-budget', 'abc'], statusInput('/work/alpha'), /^Tally: --daily-budget expects a number ≥ 0, got "abc"\n$/],
    [['--colour'], statusInput('/work/alpha'), /^Tally: Unknown option '--colour'/],
    [['--ledger', notADir], statusInput('/work/alpha'), /^Tally: ledger directory .* is not a directory\n$/],
  ] as const) {
    const result = await runTally(['statusline', '--ledger', join(root, 'ledger'), ...args], stdin);
    assert.equal(result.code, 0, `${args.join(' ')} ${stdin}`);
    assert.match(result.stdout, expected);
    assert.equal(result.stdout.split('\n').length, 2, 'exactly one line');
  }
});
