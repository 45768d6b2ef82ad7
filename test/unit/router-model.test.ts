import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createMessagesClient } from '../../src/core/anthropic/client.js';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { createModelClassifier, defaultRouterConfig, parseTier, routePromptAsync } from '../../src/core/router/index.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/simulator/server.js';

const table = bundledPriceTable();
const modelMode = { ...defaultRouterConfig, mode: 'model' as const };
let fake: FakeAnthropic;

before(async () => {
  fake = await startFakeAnthropic({ apiKeys: ['sk-test'] });
});
after(() => fake.close());

const classifier = () =>
  createModelClassifier(createMessagesClient({ apiKey: 'sk-test', baseUrl: fake.url, maxRetries: 0 }), 'claude-haiku-5-5');

test('in model mode the cheap model picks the tier, and its cost is priced into the decision', async () => {
  const decision = await routePromptAsync({ prompt: 'format this json [[reply:opus]]' }, modelMode, table, {
    classify: classifier(),
    date: '2026-11-29',
  });
  assert.equal(decision.tier, 'opus');
  assert.equal(decision.classifierCost?.model, 'claude-haiku-5-5');
  assert.ok((decision.classifierCost?.usd ?? 0) > 0, 'the classifier request is not free');
  assert.match(decision.reasons[0]!, /classifier model claude-haiku-5-5 chose opus .*the local classifier would pick haiku/);
  const sent = fake.requests.at(-1)!;
  assert.equal(sent.status, 200);
});

test('an answer that is not a tier, or a failing API, falls back to the local classifier and says so', async () => {
  const garbled = await routePromptAsync({ prompt: 'format this json [[reply:maybe later]]' }, modelMode, table, {
    classify: classifier(),
    date: '2026-11-29',
  });
  assert.equal(garbled.tier, 'haiku');
  assert.match(garbled.reasons[0]!, /classifier model failed \(answered "maybe later", not a tier\): used the local classifier/);
  fake.injectFault({ type: 'server_error', times: 1 });
  const failed = await routePromptAsync({ prompt: 'format this json' }, modelMode, table, { classify: classifier(), date: '2026-11-29' });
  assert.equal(failed.classifierCost, undefined);
  assert.match(failed.reasons[0]!, /classifier model failed/);
});

test('a tier word is read from a chatty answer', () => {
  assert.equal(parseTier(' Sonnet.'), 'sonnet');
  assert.equal(parseTier('opus\n'), 'opus');
  assert.equal(parseTier('gpt'), undefined);
});
