import assert from 'node:assert/strict';
import { test } from 'node:test';
import { priceUsage, splitUsage, parseUsage } from '../../src/core/prices/cost.js';
import { applyPriceOverrides, bundledPriceTable, resolveModel } from '../../src/core/prices/priceTable.js';
import { InputError } from '../../src/core/errors.js';

const table = bundledPriceTable();
const model = (name: string) => resolveModel(table, name);

test('every model the pricing page lists is in the table with its rates', () => {
  const expectations: Record<string, [number, number, number, number, number, number]> = {
    // id: input, 5m write, 1h write, cache read, output, min cacheable
    'claude-fable-5-1': [10, 12.5, 20, 0.25, 50, 512],
    'claude-opus-5-5': [4, 5, 8, 0.2, 20, 512],
    'claude-opus-4-8': [5, 6.25, 10, 0.5, 25, 1024],
    'claude-opus-4-7': [5, 6.25, 10, 0.5, 25, 2048],
    'claude-opus-4-5': [5, 6.25, 10, 0.5, 25, 4096],
    'claude-sonnet-5': [2, 2.5, 4, 0.2, 10, 1024],
    'claude-sonnet-4-5': [3, 3.75, 6, 0.3, 15, 1024],
    'claude-haiku-5-5': [0.1, 0.125, 0.2, 0.01, 0.5, 512],
    'claude-haiku-4-5': [1, 1.25, 2, 0.1, 5, 4096],
  };
  for (const [id, [input, w5, w1, read, output, minCache]] of Object.entries(expectations)) {
    const m = model(id);
    const rates = m.rates[m.rates.length - 1]!;
    assert.deepEqual(
      [rates.input, rates.cacheWrite5m, rates.cacheWrite1h, rates.cacheRead, rates.output, m.minCacheableTokens],
      [input, w5, w1, read, output, minCache],
      id,
    );
  }
  assert.equal(table.models.length, 13);
});

test('tier names, aliases and ids resolve; unknown names suggest the closest model', () => {
  assert.equal(model('haiku').id, 'claude-haiku-5-5');
  assert.equal(model('Sonnet').id, 'claude-sonnet-5-5');
  assert.equal(model('opus').id, 'claude-opus-5-5');
  assert.equal(model('claude-sonnet-4-5-20250929').id, 'claude-sonnet-4-5');
  assert.throws(
    () => model('claude-sonet-5-5'),
    (error: Error) => error instanceof InputError && /did you mean claude-sonnet-5-5\?/.test(error.message),
  );
  assert.throws(() => model('gpt-9'), /unknown model "gpt-9"/);
});

test('input_tokens excludes cached tokens, and cache writes are billed by TTL', () => {
  const usd = priceUsage(
    table,
    model('claude-sonnet-4-5'),
    parseUsage({
      input_tokens: 1000,
      output_tokens: 2000,
      cache_creation_input_tokens: 30_000,
      cache_read_input_tokens: 100_000,
      cache_creation: { ephemeral_5m_input_tokens: 10_000, ephemeral_1h_input_tokens: 20_000 },
    }),
    { date: '2026-11-01' },
  );
  assert.deepEqual(usd, {
    input: 0.003, // 1,000 × $3/M
    cacheWrite5m: 0.0375, // 10,000 × $3.75/M
    cacheWrite1h: 0.12, // 20,000 × $6/M
    cacheRead: 0.03, // 100,000 × $0.30/M
    output: 0.03, // 2,000 × $15/M
    total: 0.2205,
  });
});

test('without the TTL split, all cache writes are 5-minute writes', () => {
  const split = splitUsage(parseUsage({ input_tokens: 5, output_tokens: 1, cache_creation_input_tokens: 4000 }));
  assert.equal(split.cacheWrite5m, 4000);
  assert.equal(split.cacheWrite1h, 0);
});

test('the rate row is chosen by the request date (Sonnet 5.5 cache reads halve on 2026-10-07)', () => {
  const usage = parseUsage({ input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 1_000_000 });
  assert.equal(priceUsage(table, model('claude-sonnet-5-5'), usage, { date: '2026-10-06' }).cacheRead, 0.2);
  assert.equal(priceUsage(table, model('claude-sonnet-5-5'), usage, { date: '2026-10-07' }).cacheRead, 0.1);
});

test('Haiku 5.5 long-prompt band applies to every token of a request above 100,000 prompt tokens', () => {
  const atLimit = priceUsage(
    table,
    model('claude-haiku-5-5'),
    parseUsage({ input_tokens: 60_000, cache_read_input_tokens: 40_000, output_tokens: 1_000_000 }),
    { date: '2026-11-01' },
  );
  assert.equal(atLimit.input, 0.006);
  assert.equal(atLimit.output, 0.5);
  const above = priceUsage(
    table,
    model('claude-haiku-5-5'),
    parseUsage({ input_tokens: 60_000, cache_read_input_tokens: 40_000, cache_creation_input_tokens: 1, output_tokens: 1_000_000 }),
    { date: '2026-11-01' },
  );
  assert.equal(above.input, 0.03); // 60,000 × $0.50/M
  assert.equal(above.cacheRead, 0.002); // 40,000 × $0.05/M
  assert.equal(above.output, 2.5); // output billed in the band too
});

test('batch requests are half price', () => {
  const usage = parseUsage({ input_tokens: 1_000_000, output_tokens: 1_000_000 });
  const usd = priceUsage(table, model('claude-opus-5-5'), usage, { date: '2026-11-01', batch: true });
  assert.equal(usd.input, 2);
  assert.equal(usd.output, 10);
  assert.equal(usd.total, 12);
});

test('a malformed usage object is reported with the field', () => {
  assert.throws(() => parseUsage({ input_tokens: -1, output_tokens: 3 }, '--usage'), /--usage: input_tokens: must not be negative/);
  assert.throws(() => parseUsage({ input_tokens: 1 }, '--usage'), /--usage: output_tokens/);
});

test('a price override file can change one field of a model or add a complete new one', () => {
  const overridden = applyPriceOverrides(
    table,
    JSON.stringify({
      models: [
        { id: 'claude-haiku-4-5', minCacheableTokens: 2048 },
        {
          id: 'my-gateway-model',
          displayName: 'Gateway',
          aliases: ['gw'],
          tier: 'sonnet',
          family: 'v5',
          contextWindow: 200000,
          maxOutput: 8000,
          minCacheableTokens: 1024,
          rates: [{ from: null, input: 1, cacheWrite5m: 1.25, cacheWrite1h: 2, cacheRead: 0.1, output: 5 }],
        },
      ],
    }),
    'prices.json',
  );
  assert.equal(resolveModel(overridden, 'claude-haiku-4-5').minCacheableTokens, 2048);
  assert.equal(resolveModel(overridden, 'claude-haiku-4-5').rates[0]!.input, 1);
  assert.equal(resolveModel(overridden, 'gw').id, 'my-gateway-model');
  assert.equal(resolveModel(table, 'claude-haiku-4-5').minCacheableTokens, 4096, 'the bundled table is untouched');
});

test('a malformed price file names the file, the entry and the field', () => {
  const bad = (json: unknown) => () =>
    applyPriceOverrides(table, typeof json === 'string' ? json : JSON.stringify(json), 'team-prices.json');
  assert.throws(bad('{"models": ['), /: team-prices\.json: not valid JSON/);
  assert.throws(
    bad({
      models: [
        { id: 'claude-opus-5-5', rates: [{ from: null, input: 'four', cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2, output: 20 }] },
      ],
    }),
    /team-prices\.json: models\[0\] \(claude-opus-5-5\)\.rates\[0\]\.input: must be a number/,
  );
  assert.throws(
    bad({ models: [{ id: 'new-model', tier: 'opus' }] }),
    /team-prices\.json: models\[0\] \(new-model\), a new model, needs every field;/,
  );
  assert.throws(bad({ models: [{ id: 'claude-opus-5-5', tier: 'giant' }] }), /tier: must be one of haiku, sonnet, opus, frontier/);
  assert.throws(bad({ tierDefaults: { haiku: 'nope' } }), /tierDefaults\.haiku names "nope"/);
});
