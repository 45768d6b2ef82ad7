import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { TOKENIZER_FAMILIES } from '../../src/core/prices/schema.js';
import {
  countUserMessageTokens,
  countUserMessageTokensWithBand,
  estimateTextTokens,
  estimateTextTokensWithBand,
  estimateUtf8TokensWithBand,
} from '../../src/core/tokens/estimator.js';
import { IncrementalTokenEstimator } from '../../src/core/tokens/incremental.js';
import { runTally } from './cliHarness.js';

const english = 'The quick brown fox jumps over the lazy dog, and then it runs back home again.\n'.repeat(20);
const code = 'export function add(a: number, b: number): number {\n  return a + b; // sum\n}\n'.repeat(20);
// Shavian and Cherokee: scripts the open vocabularies barely hold and the calibration saw little of.
const shavian = '𐑞 𐑛𐑦𐑟𐑲𐑼𐑛 𐑢𐑦𐑛𐑔 𐑝 𐑞 𐑤𐑱𐑚𐑩𐑤, 𐑦𐑯 𐑒𐑨𐑮𐑩𐑒𐑑𐑼𐑟\n'.repeat(20);
const cherokee = 'ᏂᎦᏓ ᏴᏫ ᏕᎨᏌᏗᏒ ᎾᏍᎩ ᏗᎨᏒᎢ '.repeat(50);

test('the band holds the estimate, and the estimate is the one estimateTextTokens gives', () => {
  for (const family of TOKENIZER_FAMILIES) {
    for (const text of [english, code, shavian, cherokee, 'hi']) {
      const band = estimateTextTokensWithBand(text, family);
      assert.equal(band.tokens, estimateTextTokens(text, family));
      assert.ok(band.low <= band.tokens && band.tokens <= band.high, `${family}: ${JSON.stringify(band)}`);
      assert.ok(band.low >= 0);
      const framed = countUserMessageTokensWithBand(text, family);
      assert.equal(framed.tokens, countUserMessageTokens(text, family));
      assert.equal(framed.high - framed.low, band.high - band.low);
    }
    assert.deepEqual(estimateTextTokensWithBand('', family), { tokens: 0, low: 0, high: 0 });
  }
});

test("the editor's incremental estimate carries the same band as a full estimate", () => {
  const estimator = new IncrementalTokenEstimator('v5');
  const text = (english + code + shavian + cherokee).repeat(5);
  estimator.update(text);
  assert.deepEqual(estimator.band('v5'), estimateTextTokensWithBand(text, 'v5'));
  estimator.update(text.slice(0, 3000) + 'ᏣᎳᎩ ' + text.slice(3000));
  assert.deepEqual(estimator.band('v3'), estimateTextTokensWithBand(text.slice(0, 3000) + 'ᏣᎳᎩ ' + text.slice(3000), 'v3'));
});

test('a script the estimator knows poorly gets a wider band than English or code', () => {
  const relativeWidth = (text: string) => {
    const band = estimateTextTokensWithBand(text, 'v4.7');
    return (band.high - band.low) / band.tokens;
  };
  for (const poorly of [shavian, cherokee]) {
    assert.ok(relativeWidth(poorly) > relativeWidth(english), `${relativeWidth(poorly)} vs English ${relativeWidth(english)}`);
    assert.ok(relativeWidth(poorly) > relativeWidth(code), `${relativeWidth(poorly)} vs code ${relativeWidth(code)}`);
  }
});

test('counting UTF-8 bytes gives what counting the decoded string gives', () => {
  for (const text of [english, code, shavian, cherokee, 'naïve café ŋɔ Привет мир 你好 🎉']) {
    assert.deepEqual(estimateUtf8TokensWithBand(Buffer.from(text, 'utf8'), 'v5'), estimateTextTokensWithBand(text, 'v5'));
  }
});

test('tally count --json reports the range the true count is expected in', async () => {
  const { code: exitCode, stdout } = await runTally(['count', '--model', 'opus', '--json'], english);
  assert.equal(exitCode, 0);
  const result = JSON.parse(stdout);
  assert.equal(result.method, 'estimate');
  assert.ok(Number.isInteger(result.low) && Number.isInteger(result.high), stdout);
  assert.ok(result.low < result.tokens && result.tokens < result.high, stdout);
  const plain = await runTally(['count', '--model', 'opus'], english);
  assert.match(plain.stdout, new RegExp(`^${result.tokens} tokens, likely ${result.low}-${result.high} `));
});

test('the word tables ship once, beside the Node bundles, and are read from there', (t) => {
  const root = resolve(__dirname, '../..');
  const dist = resolve(root, 'dist');
  if (!existsSync(resolve(dist, 'cli.js'))) return t.skip('no dist/cli.js: run npm run build (npm test builds first)');
  const tables = readFileSync(resolve(root, 'src/core/tokens/tokens.bin'));
  assert.ok(readFileSync(resolve(dist, 'tokens.bin')).equals(tables), 'dist/tokens.bin is a copy of src/core/tokens/tokens.bin');
  for (const bundle of ['cli.js', 'extension.js']) {
    assert.ok(
      !readFileSync(resolve(dist, bundle), 'latin1').includes(tables.subarray(0, 64).toString('latin1')),
      `${bundle} inlines the tables`,
    );
  }
  assert.ok(readFileSync(resolve(root, '.vscodeignore'), 'utf8').includes('!dist/tokens.bin'), 'the .vsix carries dist/tokens.bin');
});
