import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countUserMessageTokens } from '../../src/core/tokens/estimator.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';
import { runTally } from './cliHarness.js';

const KEY = 'sk-ant-count-key-42';
let fake: FakeAnthropic;
before(async () => {
  fake = await startFakeAnthropic({ apiKeys: [KEY] });
});
after(() => fake.close());

test('count --exact asks count_tokens and says so', async () => {
  const text = 'Summarise the failing tests in this log, one line each.';
  const { code, stdout } = await runTally(['count', '--model', 'sonnet', '--exact', '--base-url', fake.url, '--json'], text, {
    ANTHROPIC_API_KEY: KEY,
  });
  assert.equal(code, 0);
  const result = JSON.parse(stdout);
  assert.equal(result.method, 'exact');
  const offline = countUserMessageTokens(text, 'v5');
  assert.ok(Math.abs(result.tokens - offline) <= 0.1 * offline, `the API's count ${result.tokens} is near the offline ${offline}`);
  assert.ok(fake.requests.some((request) => request.path === '/v1/messages/count_tokens'));
});

test('count --exact with a wrong key fails with exit 4 and never shows the key', async () => {
  const { code, stderr } = await runTally(['count', '--model', 'sonnet', '--exact', '--base-url', fake.url], 'hello', {
    ANTHROPIC_API_KEY: 'sk-ant-wrong-key-99',
  });
  assert.equal(code, 4);
  assert.match(stderr, /rejected the API key/);
  assert.doesNotMatch(stderr, /sk-ant-wrong-key-99/);
});

test('count --exact without a key is a clear input error', async () => {
  const { code, stderr } = await runTally(['count', '--model', 'sonnet', '--exact', '--base-url', fake.url], 'hello', {});
  assert.equal(code, 2);
  assert.equal(stderr.trim().split('\n').length, 1);
});
