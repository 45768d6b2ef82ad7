// The real Claude Code against the simulated API, offline: what it sends, that it completes runs
// (including tool calls the fake scripts), and that its own cost report agrees with Tally's prices.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { priceUsage, type Usage } from '../../src/core/prices/cost.js';
import { bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { scratchDir } from '../unit/scratch.js';
import { claudeHome, clientToolsOrSkip, runClaudeCodeOk, type ClaudeHome } from './claudeCode.js';

const KEY = 'sk-ant-claude-code-test';
const table = bundledPriceTable();

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies are read ad hoc in assertions
type Json = Record<string, any>;

let fake: FakeAnthropic;
let root: string;
let home: ClaudeHome;
before(async () => {
  fake = await startFakeAnthropic({ apiKeys: [KEY] });
  root = scratchDir('tally-claude-code-');
  home = claudeHome(root);
});
after(() => fake.close());

/** A project folder for one run (inside the scratch root, removed with it). */
function project(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

test('a plain prompt: one streamed /v1/messages?beta=true call, and Claude Code’s own cost equals Tally’s price', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  const cwd = project('plain');
  fake.requests.length = 0;

  const result = await runClaudeCodeOk({
    claudeBin: tools.claudeBin,
    home,
    baseUrl: fake.url,
    apiKey: KEY,
    cwd,
    prompt: 'hello [[tokens:40]]',
  });

  assert.equal(fake.requests.length, 1, `only the essential call: ${fake.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  const [request] = fake.requests;
  assert.equal(request!.url, '/v1/messages?beta=true');
  assert.equal(request!.auth, 'x-api-key');
  assert.match(request!.headers['user-agent'] ?? '', new RegExp(`^claude-cli/${tools.claudeCodeVersion.replace(/\./g, '\\.')} `));
  assert.match(request!.headers['anthropic-beta'] ?? '', /claude-code-20250219/);
  assert.equal(request!.headers['x-claude-code-session-id'], result.session_id);
  const body = request!.body as Json;
  assert.equal(body['stream'], true);
  assert.ok(body['tools'].length > 0, 'Claude Code offers its tools');

  const model = resolveModel(table, body['model'] as string);
  const tallyUsd = priceUsage(table, model, request!.usage as Usage, { date: new Date().toISOString().slice(0, 10) }).total;
  assert.ok(Math.abs(result.total_cost_usd - tallyUsd) < 1e-9, `Claude Code says $${result.total_cost_usd}, Tally $${tallyUsd}`);
  assert.equal(result.usage['output_tokens'], 40);
});

test('a scripted Read tool call: Claude Code reads the file and sends its content back as a tool_result', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  const cwd = project('reader');
  writeFileSync(join(cwd, 'notes.txt'), 'the secret word is pineapple\n');
  fake.requests.length = 0;
  fake.scriptReply({
    content: [
      { type: 'text', text: 'Let me read the notes.' },
      { type: 'tool_use', name: 'Read', input: { file_path: join(cwd, 'notes.txt') } },
    ],
  });
  fake.scriptReply({ content: [{ type: 'text', text: 'The secret word is pineapple.' }] });

  const result = await runClaudeCodeOk({
    claudeBin: tools.claudeBin,
    home,
    baseUrl: fake.url,
    apiKey: KEY,
    cwd,
    prompt: 'What is in notes.txt?',
  });

  assert.equal(result.result, 'The secret word is pineapple.');
  assert.equal(result.num_turns, 2);
  assert.equal(fake.requests.length, 2);
  const second = fake.requests[1]!.body as Json;
  const answer = (second['messages'] as Json[]).at(-1)!['content'][0];
  assert.equal(answer['type'], 'tool_result');
  assert.match(JSON.stringify(answer['content']), /pineapple/);
  assert.ok(fake.requests[1]!.usage!.cache_read_input_tokens > 0, 'the second turn reads the prefix the first one cached');
});

test('a scripted Bash call runs in the project folder when the tool is allowed', async (t) => {
  const tools = await clientToolsOrSkip(t);
  if (!tools) return;
  const cwd = project('shell');
  fake.requests.length = 0;
  fake.scriptReply({ content: [{ type: 'tool_use', name: 'Bash', input: { command: 'echo tally-was-here', description: 'Say hello' } }] });

  const result = await runClaudeCodeOk({
    claudeBin: tools.claudeBin,
    home,
    baseUrl: fake.url,
    apiKey: KEY,
    cwd,
    prompt: 'say hello from the shell',
    model: 'claude-haiku-4-5',
    args: ['--allowedTools', 'Bash(echo:*)'],
  });

  assert.equal(result.num_turns, 2);
  assert.deepEqual(Object.keys(result.modelUsage), ['claude-haiku-4-5']);
  const answer = ((fake.requests[1]!.body as Json)['messages'] as Json[]).at(-1)!['content'][0];
  assert.equal(answer['type'], 'tool_result');
  assert.notEqual(answer['is_error'], true);
  assert.match(JSON.stringify(answer['content']), /tally-was-here/);
});
