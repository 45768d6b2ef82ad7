// The anchor for `tally import claude-code`: logs written by REAL Claude Code runs against the simulated
// API (several sessions, tool calls, a subagent, a fork, four models), read by Tally and by ccusage
// 20.0.24. Token totals must be equal, per class, overall, per session and per model; Tally prices the
// models ccusage's offline table does not know; a second import adds nothing; a session the gateway
// already recorded is counted once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ClaudeCodeImportReport } from '../../src/core/import/claudeCodeImport.js';
import { buildLedgerEntry, openLedger, type LedgerEntry } from '../../src/core/ledger/index.js';
import type { Usage } from '../../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { runTally } from '../unit/cliHarness.js';
import { claudeHome, clientToolsOrSkip, runClaudeCodeOk, type ClaudeHome, type ClaudeResult, type ClientTools } from './claudeCode.js';

const KEY = 'sk-ant-import-anchor';
const table = bundledPriceTable();

interface CcusageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalCost: number;
}
interface CcusageModel extends Omit<CcusageTotals, 'totalCost'> {
  modelName: string;
  cost: number;
  missingPricing?: boolean;
}
interface CcusageSession extends CcusageTotals {
  sessionId: string;
  modelBreakdowns: CcusageModel[];
}

let fake: FakeAnthropic;
let root: string;
let home: ClaudeHome;
let ledgerDir: string;
let tools: ClientTools | undefined;
/** Each run's own result, and the request ids it made (its requests are the ones the fake saw meanwhile). */
const runs: { result: ClaudeResult; requestIds: string[] }[] = [];
let gatewaySession = '';
let gatewayEntries: LedgerEntry[] = [];

interface RunOptions {
  model?: string;
  args?: string[];
  env?: Record<string, string>;
  /** A resumed session: Claude Code's cost report carries on from the session it resumes. */
  resumes?: ClaudeResult;
}

async function run(cwd: string, prompt: string, { resumes, ...extra }: RunOptions = {}) {
  const seen = fake.requests.length;
  const args = [...(extra.args ?? []), ...(resumes ? ['--resume', resumes.session_id, '--fork-session'] : [])];
  const result = await runClaudeCodeOk({ claudeBin: tools!.claudeBin, home, baseUrl: fake.url, apiKey: KEY, cwd, prompt, ...extra, args });
  const carried = runs.find((earlier) => earlier.result === resumes)?.requestIds ?? [];
  runs.push({ result, requestIds: [...carried, ...fake.requests.slice(seen).map((request) => request.requestId)] });
  return result;
}

function ccusage(report: 'daily' | 'session'): Promise<{ totals: CcusageTotals; daily?: unknown[]; sessions?: CcusageSession[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools!.ccusageBin, ['claude', report, '--json', '--offline'], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home.home, CLAUDE_CONFIG_DIR: home.configDir, TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`ccusage ${report} exited ${code}: ${out}`))));
  });
}

async function importLogs(): Promise<ClaudeCodeImportReport> {
  const result = await runTally(['import', 'claude-code', '--dir', home.configDir, '--ledger', ledgerDir, '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '', 'every usage line Claude Code wrote is readable');
  return JSON.parse(result.stdout) as ClaudeCodeImportReport;
}

function tokensOf(entries: readonly LedgerEntry[]) {
  const totals = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, usd: 0 };
  for (const entry of entries) {
    const cache = entry.usage.cache_creation;
    totals.inputTokens += entry.usage.input_tokens;
    totals.outputTokens += entry.usage.output_tokens;
    totals.cacheCreationTokens += cache
      ? (cache.ephemeral_5m_input_tokens ?? 0) + (cache.ephemeral_1h_input_tokens ?? 0)
      : (entry.usage.cache_creation_input_tokens ?? 0);
    totals.cacheReadTokens += entry.usage.cache_read_input_tokens ?? 0;
    totals.usd += entry.usd;
  }
  return totals;
}

const classes = (totals: { inputTokens: number; outputTokens: number; cacheCreationTokens: number; cacheReadTokens: number }) => ({
  inputTokens: totals.inputTokens,
  outputTokens: totals.outputTokens,
  cacheCreationTokens: totals.cacheCreationTokens,
  cacheReadTokens: totals.cacheReadTokens,
});

before(async () => {
  const { findClientTools } = await import('../../scripts/client-tools.mjs');
  tools = findClientTools() ?? undefined;
  if (!tools) return;
  fake = await startFakeAnthropic({ apiKeys: [KEY] });
  root = mkdtempSync(join(tmpdir(), 'tally-import-anchor-'));
  home = claudeHome(root);
  ledgerDir = join(root, 'ledger');
  const alpha = join(root, 'alpha');
  const beta = join(root, 'beta');
  mkdirSync(alpha);
  mkdirSync(beta);
  writeFileSync(join(alpha, 'notes.txt'), 'the secret word is pineapple\n');

  // 1. The default model (Opus 5.5, unknown to ccusage 20.0.24) reads a file: a response logged on two lines.
  fake.scriptReply({
    content: [
      { type: 'text', text: 'Let me read the notes.' },
      { type: 'tool_use', name: 'Read', input: { file_path: join(alpha, 'notes.txt') } },
    ],
  });
  const first = await run(alpha, 'What is in notes.txt?');
  // 2. Sonnet 5.5 with prompt caching off: plain input tokens.
  await run(alpha, 'summarise this repository [[tokens:150]]', { model: 'sonnet', env: { DISABLE_PROMPT_CACHING: '1' } });
  // 3. Haiku 4.5 (ccusage knows its price) with 1-hour cache writes and a shell command.
  fake.scriptReply({ content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo tally', description: 'Say tally' } }] });
  await run(beta, 'say tally', {
    model: 'claude-haiku-4-5',
    args: ['--allowedTools', 'Bash(echo:*)'],
    env: { ENABLE_PROMPT_CACHING_1H: '1' },
  });
  // 4. A subagent: its requests are logged in a sidechain transcript under the session's folder.
  fake.scriptReply({
    content: [
      {
        type: 'tool_use',
        name: 'Agent',
        input: { description: 'Look around', prompt: 'List the files [[tokens:30]]', subagent_type: 'general-purpose' },
      },
    ],
  });
  await run(beta, 'delegate the survey [[tokens:25]]');
  // 5. A fork of session 1: Claude Code copies the first session's responses into the new transcript.
  await run(alpha, 'and now? [[tokens:33]]', { resumes: first });
  // 6. A session the gateway metered: its requests are in the ledger before the import, as the gateway writes them.
  const seen = fake.requests.length;
  const metered = await run(beta, 'metered through the gateway [[tokens:44]]', { model: 'haiku' });
  gatewaySession = metered.session_id;
  const ledger = openLedger(ledgerDir, { priceTable: table });
  gatewayEntries = fake.requests.slice(seen).map((request) => {
    const model = resolveModel(table, (request.body as { model: string }).model);
    return buildLedgerEntry(table, {
      startedAt: request.at,
      workspace: { path: beta, name: 'beta' },
      source: 'gateway',
      client: 'claude-code',
      requestId: request.requestId,
      messageId: request.messageId,
      conversationId: request.headers['x-claude-code-session-id'] ?? null,
      model,
      defaultModel: model,
      usage: request.usage as Usage,
      status: 'ok',
      durationMs: 5,
    });
  });
  for (const entry of gatewayEntries) ledger.append(entry);
});
after(async () => {
  await fake?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('imported token totals equal ccusage’s, per class, overall and per session; a gateway session counts once', async (t) => {
  if (!(await clientToolsOrSkip(t))) return;
  const report = await importLogs();
  assert.equal(report.alreadyRecorded['gateway'], gatewayEntries.length, 'the gateway’s responses are recognised by their ids');
  assert.ok(gatewayEntries.length > 0);
  assert.equal(report.pending, 0);
  assert.deepEqual(report.unpriced, {});

  const entries = openLedger(ledgerDir).query().entries;
  const ours = tokensOf(entries);
  const daily = await ccusage('daily');
  const sessions = await ccusage('session');
  assert.deepEqual(classes(ours), classes(daily.totals), 'Tally (gateway + import) vs ccusage daily');
  assert.deepEqual(classes(ours), classes(sessions.totals), 'Tally vs ccusage session');
  t.diagnostic(`tokens, Tally: ${JSON.stringify(classes(ours))}; ccusage: ${JSON.stringify(classes(daily.totals))}`);
  assert.equal(entries.length, new Set(entries.map((entry) => entry.requestId)).size, 'one entry per request');
  assert.equal(
    entries.filter((entry) => entry.conversationId === gatewaySession).length,
    gatewayEntries.length,
    'the gateway session once',
  );

  for (const session of sessions.sessions!) {
    const mine = entries.filter((entry) => entry.conversationId === session.sessionId);
    assert.deepEqual(classes(tokensOf(mine)), classes(session), `session ${session.sessionId}`);
  }
});

test('Tally prices models ccusage’s offline table does not, matching Claude Code’s own cost report', async (t) => {
  if (!(await clientToolsOrSkip(t))) return;
  const entries = openLedger(ledgerDir).query().entries;
  const { sessions } = await ccusage('session');
  const models = sessions!.flatMap((session) => session.modelBreakdowns);
  const opus = models.filter((model) => model.modelName === 'claude-opus-5-5');
  assert.ok(opus.length > 0 && opus.every((model) => model.cost === 0 && model.missingPricing === true), 'ccusage prices Opus 5.5 at $0');
  const opusUsd = tokensOf(entries.filter((entry) => entry.model === 'claude-opus-5-5')).usd;
  assert.ok(opusUsd > 0, `Tally prices Opus 5.5: $${opusUsd}`);

  // Each run's own total_cost_usd is what Tally recorded for the requests it made (and, for a fork, the session it resumed).
  const byRequest = new Map(entries.map((entry) => [entry.requestId, entry]));
  for (const { result, requestIds } of runs) {
    const usd = requestIds.reduce((sum, id) => sum + byRequest.get(id)!.usd, 0);
    assert.ok(
      Math.abs(usd - result.total_cost_usd) < 1e-9,
      `session ${result.session_id}: Claude Code $${result.total_cost_usd}, Tally $${usd}`,
    );
  }
  for (const name of [...new Set(models.map((model) => model.modelName))].sort()) {
    const theirs = models.filter((model) => model.modelName === name);
    const mine = tokensOf(entries.filter((entry) => entry.model === name));
    const sum = (field: keyof CcusageModel) => theirs.reduce((total, model) => total + Number(model[field]), 0);
    t.diagnostic(
      `${name}: Tally ${JSON.stringify(classes(mine))} $${mine.usd.toFixed(6)}; ccusage in ${sum('inputTokens')} out ${sum('outputTokens')} write ${sum('cacheCreationTokens')} read ${sum('cacheReadTokens')} $${sum('cost').toFixed(6)}`,
    );
  }
  // Where ccusage knows the model, the two prices agree.
  const haiku = models.filter((model) => model.modelName === 'claude-haiku-4-5').reduce((sum, model) => sum + model.cost, 0);
  const tallyHaiku = tokensOf(entries.filter((entry) => entry.model === 'claude-haiku-4-5')).usd;
  assert.ok(haiku > 0 && Math.abs(haiku - tallyHaiku) < 1e-9, `claude-haiku-4-5: ccusage $${haiku}, Tally $${tallyHaiku}`);
});

test('importing again adds nothing, with or without the record of what was read', async (t) => {
  if (!(await clientToolsOrSkip(t))) return;
  const before = openLedger(ledgerDir).query().entries.length;
  const again = await importLogs();
  assert.equal(again.imported.requests, 0);
  assert.equal(again.files.read, 0, 'unchanged logs are not read again');
  rmSync(join(ledgerDir, '.index'), { recursive: true, force: true });
  const fresh = await importLogs();
  assert.equal(fresh.imported.requests, 0, 'the ledger’s ids alone keep it from counting twice');
  assert.equal(fresh.alreadyRecorded['import']! + fresh.alreadyRecorded['gateway']!, before);
  assert.equal(openLedger(ledgerDir).query().entries.length, before);
});
