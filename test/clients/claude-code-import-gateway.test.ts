// Sessions the real Tally gateway metered, and one that went straight to the API, in the same Claude Code
// logs: `tally import claude-code` adds only the direct session's requests, so every request the API
// answered is in the ledger exactly once, and the ledger's tokens equal ccusage's for the same logs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ClaudeCodeImportReport } from '../../src/core/import/claudeCodeImport.js';
import { runTally } from '../unit/cliHarness.js';
import { KEY, startRig } from '../unit/gatewayHarness.js';
import { scratchDir } from '../unit/scratch.js';
import { claudeHome, clientToolsOrSkip, runClaudeCodeOk } from './claudeCode.js';

test('a session metered by the gateway is counted once; the direct one is imported; tokens equal ccusage’s', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  const rig = await startRig();
  const root = scratchDir('tally-import-gateway-');
  const home = claudeHome(root);
  const cwd = join(root, 'project');
  mkdirSync(cwd);
  const run = (baseUrl: string, prompt: string, model?: string) =>
    runClaudeCodeOk({ claudeBin: tools.claudeBin, home, baseUrl, apiKey: KEY, cwd, prompt, ...(model ? { model } : {}) });

  rig.fake.scriptReply({ content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo metered', description: 'Say it' } }] });
  await runClaudeCodeOk({
    claudeBin: tools.claudeBin,
    home,
    baseUrl: rig.gateway.baseUrl,
    apiKey: KEY,
    cwd,
    prompt: 'through the gateway',
    args: ['--allowedTools', 'Bash(echo:*)'],
  });
  await run(rig.gateway.baseUrl, 'again through the gateway [[tokens:60]]', 'sonnet');
  const metered = rig.entries().length;
  await run(rig.fake.url, 'straight to the API [[tokens:70]]', 'claude-haiku-4-5');
  const answered = rig.fake.requests.filter((request) => request.path === '/v1/messages' && request.status === 200);

  const result = await runTally(['import', 'claude-code', '--dir', home.configDir, '--ledger', rig.ledger.dir, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as ClaudeCodeImportReport;
  assert.equal(report.alreadyRecorded['gateway'], metered, 'the gateway’s entries are recognised');
  assert.equal(report.imported.requests, answered.length - metered, 'the direct session is imported');

  const entries = rig.entries();
  assert.deepEqual(
    entries.map((entry) => entry.requestId).sort(),
    answered.map((request) => request.requestId).sort(),
    'each request once',
  );
  const out = execFileSync(tools.ccusageBin, ['claude', 'daily', '--json', '--offline'], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home.home, CLAUDE_CONFIG_DIR: home.configDir, TZ: 'UTC' },
    encoding: 'utf8',
  });
  const ccusage = (JSON.parse(out) as { totals: Record<string, number> }).totals;
  const sum = (pick: (usage: (typeof entries)[number]['usage']) => number) =>
    entries.reduce((total, entry) => total + pick(entry.usage), 0);
  assert.deepEqual(
    {
      inputTokens: sum((usage) => usage.input_tokens),
      outputTokens: sum((usage) => usage.output_tokens),
      cacheCreationTokens: sum((usage) => usage.cache_creation_input_tokens ?? 0),
      cacheReadTokens: sum((usage) => usage.cache_read_input_tokens ?? 0),
    },
    {
      inputTokens: ccusage['inputTokens'],
      outputTokens: ccusage['outputTokens'],
      cacheCreationTokens: ccusage['cacheCreationTokens'],
      cacheReadTokens: ccusage['cacheReadTokens'],
    },
  );
});
