// The real Claude Code through the gateway, with the simulated API as upstream: every request it sends
// has one ledger entry and the ledger total is what was billed (and what Claude Code says it spent); a
// budget refusal and the loop guard reach it as API errors. Skips with the reason when Claude Code is
// not installed (`node scripts/client-tools.mjs`).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildLedgerEntry } from '../../src/core/ledger/index.js';
import { resolveModel } from '../../src/core/prices/priceTable.js';
import { claudeHome, clientToolsOrSkip, runClaudeCode, runClaudeCodeOk } from '../clients/claudeCode.js';
import { billedUsd, KEY, ledgerUsd, startRig, table, WORKSPACE } from './gatewayHarness.js';
import { scratchDir } from './scratch.js';

function folders() {
  const root = scratchDir('tally-gateway-claude-');
  const cwd = join(root, 'project');
  mkdirSync(cwd, { recursive: true });
  return { home: claudeHome(root), cwd };
}

/** A `claude -p` run through the gateway, and everything it showed (result, stdout, stderr). */
async function throughGateway(claudeBin: string, baseUrl: string, where: ReturnType<typeof folders>, prompt: string) {
  const run = await runClaudeCode({ claudeBin, home: where.home, baseUrl, apiKey: KEY, cwd: where.cwd, prompt });
  return { run, shown: `${run.result?.result ?? ''}\n${run.stdout}\n${run.stderr}` };
}

test('Claude Code through the gateway: one entry per request, totals equal to what was billed and to Claude Code’s own cost', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  const rig = await startRig();
  const { home, cwd } = folders();
  writeFileSync(join(cwd, 'notes.txt'), 'the secret word is pineapple\n');
  rig.fake.scriptReply({ content: [{ type: 'tool_use', name: 'Read', input: { file_path: join(cwd, 'notes.txt') } }] });
  rig.fake.scriptReply({ content: [{ type: 'text', text: 'The secret word is pineapple.' }] });

  const first = await runClaudeCodeOk({
    claudeBin: tools.claudeBin,
    home,
    baseUrl: rig.gateway.baseUrl,
    apiKey: KEY,
    cwd,
    prompt: 'What is in notes.txt?',
  });
  const second = await runClaudeCodeOk({
    claudeBin: tools.claudeBin,
    home,
    baseUrl: rig.gateway.baseUrl,
    apiKey: KEY,
    cwd,
    prompt: 'hello [[tokens:40]]',
  });
  assert.equal(first.result, 'The secret word is pineapple.');

  const messages = rig.fake.requests.filter((request) => request.path === '/v1/messages');
  assert.ok(messages.length >= 3, `requests: ${rig.fake.requests.map((r) => `${r.method} ${r.url} ${r.status}`).join(', ')}`);
  assert.ok(
    messages.every((request) => request.url === '/v1/messages?beta=true'),
    'the query string passed through',
  );
  const entries = rig.entries();
  assert.equal(entries.length, messages.length, 'one entry per request that reached the upstream');
  assert.deepEqual(
    entries.map((entry) => entry.requestId),
    messages.map((request) => request.requestId),
  );
  assert.deepEqual(
    entries.map((entry) => entry.messageId),
    messages.map((request) => request.messageId),
  );
  assert.ok(
    entries.every(
      (entry) =>
        entry.client === 'claude-code' && entry.status === 'ok' && !entry.usageEstimated && entry.workspace.path === WORKSPACE.path,
    ),
  );
  assert.equal(ledgerUsd(entries), billedUsd(rig.fake));
  const claudeSays = first.total_cost_usd + second.total_cost_usd;
  assert.ok(Math.abs(claudeSays - ledgerUsd(entries)) < 1e-9, `Claude Code says $${claudeSays}, the ledger $${ledgerUsd(entries)}`);
});

test('a hard budget refusal reads as an API error in Claude Code, and nothing reaches the upstream', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  const rig = await startRig({ policy: { budget: { dailyUsd: 0.05, monthlyUsd: null, warnAt: 0.8, confirmAboveUsd: null } } });
  const sonnet = resolveModel(table, 'claude-sonnet-5-5');
  rig.ledger.append(
    buildLedgerEntry(table, {
      startedAt: Date.now(),
      workspace: WORKSPACE,
      source: 'cli',
      model: sonnet,
      defaultModel: sonnet,
      usage: { input_tokens: 0, output_tokens: 5000 }, // $0.05: the whole budget
      status: 'ok',
      durationMs: 1,
    }),
  );
  const { shown, run } = await throughGateway(tools.claudeBin, rig.gateway.baseUrl, folders(), 'one more question');
  assert.equal(run.result?.is_error, true, shown);
  assert.match(shown, /API Error: 400/);
  assert.match(shown, /Tally: daily budget of \$0\.05 reached/);
  assert.equal(rig.fake.requests.filter((request) => request.path === '/v1/messages').length, 0);
  assert.equal(rig.entries().length, 1, 'only the earlier spend');
});

test('the loop guard stops Claude Code at the third identical tool call, with the reason shown', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  const rig = await startRig();
  const { home, cwd } = folders();
  const file = join(cwd, 'same.txt');
  writeFileSync(file, 'nothing changes here\n');
  rig.fake.scriptReply({ content: [{ type: 'tool_use', name: 'Read', input: { file_path: file } }], times: 3 });
  rig.fake.scriptReply({ content: [{ type: 'text', text: 'never sent' }] });

  const { shown, run } = await throughGateway(tools.claudeBin, rig.gateway.baseUrl, { home, cwd }, 'read same.txt until it changes');
  assert.equal(run.result?.is_error, true, shown);
  assert.match(shown, /Tally: loop guard: the same tool call Read\(\{"file_path":".*same\.txt"\}\) was made 3 times in a row/);
  const messages = rig.fake.requests.filter((request) => request.path === '/v1/messages' && request.body !== undefined);
  const withTools = messages.filter((request) => JSON.stringify(request.body).includes('same.txt'));
  assert.equal(withTools.length, 3, 'three requests made the call; the fourth was never sent');
  assert.equal(rig.entries().length, messages.length);
});
