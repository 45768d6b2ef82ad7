// `tally gateway` as a user runs it: flags, the ready line, the token file, and SIGTERM with a request in flight.
import Anthropic from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { openLedger } from '../../src/core/ledger/index.js';
import { startFakeAnthropic } from '../../src/simulator/server.js';
import { runTally } from './cliHarness.js';
import { scratchDir } from './scratch.js';

const KEY = 'sk-ant-cli-gateway-key';
const root = resolve(__dirname, '../..');

test('bad flags get a one-line message and exit code 2', async () => {
  const dir = scratchDir('tally-gateway-cli-');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const badToken = join(dir, 'token');
  writeFileSync(badToken, 'short\n');
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port expects a whole number/],
    [['--port', '70000'], /--port expects a port number/],
    [['--upstream', 'ftp://example.com'], /must start with http/],
    [['--upstream', 'https://user:pw@example.com'], /must not contain a user name/],
    [['--loop-guard', '1'], /--loop-guard expects "off" or a whole number ≥ 2/],
    [['--daily-budget=-1'], /--daily-budget expects a number ≥ 0/],
    [['--ledger', file], /cannot write the ledger in .*a-file: ledger directory .*a-file is not a directory/],
    [['--ledger', dir, '--token-file', badToken], /token: a gateway token is 16 to 200/],
    [['--nope'], /Unknown option '--nope'/],
  ];
  for (const [args, message] of cases) {
    const run = await runTally(['gateway', ...args], '', {});
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n')[0]!.startsWith('tally gateway: '), true);
  }
  if (process.getuid?.() !== 0) {
    const readOnly = join(dir, 'read-only');
    const made = await runTally(['gateway', '--ledger', readOnly, '--port', 'x'], '', {});
    assert.equal(made.code, 2);
    chmodSync(dir, 0o500);
    try {
      const run = await runTally(['gateway', '--ledger', join(dir, 'sub')], '', {});
      assert.equal(run.code, 2);
      assert.match(run.stderr, /cannot write the ledger in .*sub: permission denied/);
    } finally {
      chmodSync(dir, 0o700);
    }
  }
});

function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcessWithoutNullStreams; firstLine: Promise<string>; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'gateway', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolveLine, reject) => {
    lines.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`exited ${code} before its ready line: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  after(() => child.kill('SIGKILL'));
  return { child, firstLine, exited, stderr: () => stderr };
}

test('tally gateway --json prints its base URL, keeps the token file’s token, and on SIGTERM finishes the request in flight, records it and exits 0', async () => {
  const fake = await startFakeAnthropic({ apiKeys: [KEY] });
  after(() => fake.close());
  const dir = scratchDir('tally-gateway-run-');
  const ledgerDir = join(dir, 'ledger');
  const tokenFile = join(dir, 'gateway.token');
  const args = ['--json', '--upstream', fake.url, '--ledger', ledgerDir, '--workspace', dir, '--token-file', tokenFile];

  const first = startCli(args, { ANTHROPIC_API_KEY: KEY });
  const ready = JSON.parse(await first.firstLine) as { baseUrl: string; port: number };
  assert.deepEqual(Object.keys(ready).sort(), ['baseUrl', 'port']);
  const token = readFileSync(tokenFile, 'utf8').trim();
  assert.equal(ready.baseUrl, `http://127.0.0.1:${ready.port}/t/${token}`);

  // The SDK with no key of its own: the gateway adds ANTHROPIC_API_KEY of its process.
  fake.injectFault({ type: 'slow', delayMs: 25 });
  const client = new Anthropic({
    apiKey: null,
    authToken: null,
    baseURL: ready.baseUrl,
    maxRetries: 0,
    defaultHeaders: { authorization: null },
  });
  const stream = client.messages.stream({
    model: 'claude-haiku-5-5',
    max_tokens: 400,
    messages: [{ role: 'user', content: 'take your time [[tokens:200]]' }],
  });
  await new Promise<void>((resolveText) => stream.once('text', () => resolveText()));
  first.child.kill('SIGTERM');
  const message = await stream.finalMessage();
  assert.equal(message.stop_reason, 'end_turn', 'the answer in flight was finished, not cut');
  assert.equal(await first.exited, 0, first.stderr());

  const entries = openLedger(ledgerDir).query({}).entries;
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.status, 'ok');
  assert.equal(entries[0]!.messageId, message.id);
  assert.equal(entries[0]!.workspace.path, dir);
  assert.equal(entries[0]!.usage.output_tokens, message.usage.output_tokens);

  // A second start with the same token file has the same token.
  const second = startCli(args, { ANTHROPIC_API_KEY: KEY });
  const again = JSON.parse(await second.firstLine) as { baseUrl: string };
  assert.ok(again.baseUrl.endsWith(`/t/${token}`));
  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0);
});
