import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import type { ModelClassifier } from '../../src/core/router/route.js';
import { chatRouterFor, tableWithTierModels } from '../../src/extension/chat/routing.js';
import { DEFAULT_SETTINGS, type TallySettings } from '../../src/extension/settings.js';

const asked: string[] = [];
const classify: ModelClassifier = async (prompt) => {
  asked.push(prompt);
  return { tier: 'opus', usage: { input_tokens: 200, output_tokens: 1 } };
};
const settingsWith = (mode: 'local' | 'model'): TallySettings => ({ ...DEFAULT_SETTINGS, routing: { ...DEFAULT_SETTINGS.routing, mode } });

test("tally.routing.mode 'model' asks the cheap model before a send, and only then", async () => {
  const settings = settingsWith('model');
  const router = chatRouterFor(tableWithTierModels(bundledPriceTable(), settings), settings, classify);
  assert.equal(router.route({ prompt: 'rename this variable' }).tier, 'haiku', 'typing never calls the model');
  assert.equal(asked.length, 0);
  const decision = await router.routeForSend!({ prompt: 'rename this variable' });
  assert.equal(decision.tier, 'opus');
  assert.equal(decision.classifierCost?.model, settings.models.haiku);
  assert.deepEqual(asked, ['rename this variable']);
});

test("in 'local' mode no model is asked", () => {
  const settings = settingsWith('local');
  const router = chatRouterFor(tableWithTierModels(bundledPriceTable(), settings), settings, classify);
  assert.equal(router.routeForSend, undefined);
});
