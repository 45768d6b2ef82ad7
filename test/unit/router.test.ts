import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundledPriceTable } from '../../src/core/prices/priceTable.js';
import { defaultRouterConfig, parseRouterConfig, routePrompt, routePromptAsync, type RouterConfig } from '../../src/core/router/index.js';

const table = bundledPriceTable();
const route = (prompt: string, config: RouterConfig = defaultRouterConfig) => routePrompt({ prompt }, config, table);
const config = (json: object) => parseRouterConfig(JSON.stringify(json), 'router.json');

// Prompts written for these tests from the rubric's categories (none is in the dev set).
const EXAMPLES: Array<[string, 'haiku' | 'sonnet' | 'opus']> = [
  ['convert this to YAML:\n\n{"server": {"port": 8080, "host": "localhost"}, "debug": true}', 'haiku'],
  ['regex to match an IPv4 address', 'haiku'],
  ['give me a good variable name for the number of retries left', 'haiku'],
  ['label each ticket as bug, feature or question:\n1. Login button does nothing\n2. Can we get dark mode?', 'haiku'],
  ['kubectl command to get logs of a pod from the previous container', 'haiku'],
  ['Write a Python function that parses a duration string like 1h30m into seconds, with tests.', 'sonnet'],
  ['why is this returning undefined?\n\nasync function getUser(id) {\n  fetch(`/api/users/${id}`).then(r => r.json());\n}', 'sonnet'],
  ['implement an LRU cache in TypeScript with get/put in O(1)', 'sonnet'],
  ['Design the data model and sync protocol for an offline-first notes app with real-time collaboration.', 'opus'],
  ['Is this JWT check secure?\n\nif header["alg"] == "none":\n    return claims\nreturn jwt.decode(token, KEY)', 'opus'],
  ['our primary postgres is at 95% disk and writes are failing in production. what do we do right now?', 'opus'],
];

test('routes prompts from each rubric category to its tier, with reasons', () => {
  for (const [prompt, tier] of EXAMPLES) {
    const decision = route(prompt);
    assert.equal(decision.tier, tier, `${prompt.slice(0, 60)} → ${decision.tier} (${decision.reasons.join('; ')})`);
    assert.equal(decision.model, defaultRouterConfig.models[tier]);
    assert.ok(decision.reasons.length > 0 && decision.reasons.every((r) => r.trim().length > 0), 'every decision says why');
  }
});

test('length is not the signal: a long JSON to reformat is haiku, a one-line payments race is opus', () => {
  const rows = Array.from({ length: 300 }, (_, i) => `{"id":${i},"name":"item-${i}","tags":["a","b"],"price":${i * 1.5}}`).join(',');
  const longEasy = route(`pretty-print this JSON with 2-space indent\n\n[${rows}]`);
  assert.ok(longEasy.reasons.length > 0);
  assert.equal(longEasy.tier, 'haiku');
  const shortHard = route('can two concurrent refunds race and double-pay the same order in our payments service?');
  assert.equal(shortHard.tier, 'opus');
});

test('reasons name what drove the score', () => {
  assert.match(route('convert this INI to TOML:\n\n[server]\nport = 8080').reasons.join(' '), /convert/);
  const trace = route(
    'why does this crash?\n\nTraceback (most recent call last):\n  File "app.py", line 3, in <module>\n    main()\nKeyError: \'user\'',
  );
  assert.equal(trace.tier, 'sonnet');
  assert.match(trace.reasons.join(' '), /why/);
  assert.match(trace.reasons.join(' '), /stack trace/);
  assert.match(route('Rare deadlock in our C daemon under load').reasons.join(' '), /deadlock/);
  assert.match(route('hello').reasons.join(' '), /.+/, 'even an empty-signal prompt gets a reason');
});

test('score rises with the tier', () => {
  const haiku = route('regex for a US zip code');
  const sonnet = route('implement a trie with insert and search in Java');
  const opus = route('Design a globally distributed job scheduler that never runs a payout twice');
  assert.ok(haiku.score < sonnet.score && sonnet.score < opus.score, `${haiku.score} < ${sonnet.score} < ${opus.score}`);
  for (const d of [haiku, sonnet, opus]) assert.ok(d.score >= 0 && d.score <= 1);
});

test('a workspace rule wins over the classifier and says so', () => {
  const rules = config({
    rules: [
      { name: 'payments code', keyword: 'payments-service/', tier: 'opus' },
      { pattern: '^\\s*format\\b', tier: 'haiku' },
    ],
  });
  const decision = route('better name for this variable in payments-service/src/fx.ts: tmp2', rules);
  assert.equal(decision.tier, 'opus');
  assert.equal(decision.ruleApplied, 'payments code');
  assert.match(decision.reasons[0]!, /rule 'payments code' → opus \(the classifier alone would pick haiku\)/);
  const byRegex = route('Format this threat model as a table', rules);
  assert.equal(byRegex.tier, 'haiku');
  assert.equal(byRegex.ruleApplied, '/^\\s*format\\b/');
  assert.equal(route('regex for a zip code', rules).ruleApplied, undefined);
});

test('the allow-list is never left: nearest allowed tier upward, else downward, and it says so', () => {
  const noHaiku = config({ allowList: ['claude-sonnet-5-5', 'claude-opus-5-5'] });
  const up = route('regex for a US zip code', noHaiku);
  assert.equal(up.model, 'claude-sonnet-5-5');
  assert.match(up.reasons.join(' '), /claude-haiku-5-5 is not in the allow-list: using Sonnet/);
  const noOpus = config({ allowList: ['claude-haiku-5-5', 'claude-sonnet-5-5'] });
  const down = route('Rare deadlock in our C daemon under load', noOpus);
  assert.equal(down.model, 'claude-sonnet-5-5');
  assert.match(down.reasons.join(' '), /no higher tier is allowed/);
  const olderSonnet = config({ allowList: ['claude-sonnet-4-5'] });
  assert.equal(route('implement a trie in Java', olderSonnet).model, 'claude-sonnet-4-5', 'an allowed model of the same tier stands in');
});

test('max_tokens follows the task class and can be overridden', () => {
  const label = route('classify each as positive / negative / neutral:\n1. "great"\n2. "crashes"');
  const design = route('Design a multi-region payments ledger with exactly-once transfers');
  assert.ok(label.maxTokens < design.maxTokens, `${label.maxTokens} < ${design.maxTokens}`);
  assert.equal(route('classify each as positive / negative:\n1. "great"', config({ maxTokens: { classify: 40 } })).maxTokens, 40);
  const bigJson = `convert this JSON to YAML:\n\n${JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `n${i}` })))}`;
  assert.ok(route(bigJson).maxTokens > defaultRouterConfig.maxTokens.transform, 'a transform answer grows with its input');
});

test('model mode prices the classifier call and uses its tier', async () => {
  const modelMode = config({ mode: 'model' });
  const usage = { input_tokens: 400, output_tokens: 3 };
  const decision = await routePromptAsync({ prompt: 'regex for a zip code' }, modelMode, table, {
    date: '2026-11-29',
    classify: async () => ({ tier: 'sonnet', usage }),
  });
  assert.equal(decision.tier, 'sonnet');
  assert.equal(decision.classifierCost?.model, 'claude-haiku-5-5');
  const haiku = table.models.find((m) => m.id === 'claude-haiku-5-5')!.rates[0]!;
  assert.ok(Math.abs(decision.classifierCost!.usd - (400 * haiku.input + 3 * haiku.output) / 1e6) < 1e-12);
  assert.match(decision.reasons[0]!, /classifier model claude-haiku-5-5 chose sonnet .*the local classifier would pick haiku/);
});

test('model mode falls back to the local classifier on error or after the timeout, and says so', async () => {
  const modelMode = config({ mode: 'model' });
  const failing = await routePromptAsync({ prompt: 'regex for a zip code' }, modelMode, table, {
    date: '2026-11-29',
    classify: async () => {
      throw new Error('HTTP 529 overloaded');
    },
  });
  assert.equal(failing.tier, 'haiku');
  assert.equal(failing.classifierCost, undefined);
  assert.match(failing.reasons[0]!, /classifier model failed \(HTTP 529 overloaded\): used the local classifier/);
  const slow = await routePromptAsync({ prompt: 'regex for a zip code' }, modelMode, table, {
    date: '2026-11-29',
    timeoutMs: 20,
    classify: () => new Promise(() => {}),
  });
  assert.equal(slow.tier, 'haiku');
  assert.match(slow.reasons[0]!, /no answer within 0.02 s/);
  const nonsense = await routePromptAsync({ prompt: 'regex for a zip code' }, modelMode, table, {
    date: '2026-11-29',
    classify: async () => ({ tier: 'gpt' as never, usage: { input_tokens: 1, output_tokens: 1 } }),
  });
  assert.match(nonsense.reasons[0]!, /answered "gpt", not a tier/);
});

test('local mode never calls the classifier model; rules skip it too', async () => {
  let calls = 0;
  const classify = async () => (calls++, { tier: 'opus' as const, usage: { input_tokens: 1, output_tokens: 1 } });
  await routePromptAsync({ prompt: 'regex for a zip code' }, defaultRouterConfig, table, { date: '2026-11-29', classify });
  const ruled = config({ mode: 'model', rules: [{ keyword: 'zip', tier: 'sonnet' }] });
  const decision = await routePromptAsync({ prompt: 'regex for a zip code' }, ruled, table, { date: '2026-11-29', classify });
  assert.equal(calls, 0);
  assert.equal(decision.tier, 'sonnet');
});

test('a short follow-up keeps the conversation tier; large attached context counts', () => {
  const followUp = routePrompt(
    { prompt: 'ok, and the other one?', previousTier: 'opus', conversationTurns: 4 },
    defaultRouterConfig,
    table,
  );
  assert.equal(followUp.tier, 'opus');
  assert.match(followUp.reasons[0]!, /follow-up/);
  const withContext = routePrompt({ prompt: 'why does this fail?', contextTokens: 60_000, attachedFiles: 6 }, defaultRouterConfig, table);
  assert.match(withContext.reasons.join(' '), /large attached context \(60k tokens\)|6 files attached/);
});
