import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOKENIZER_FAMILIES } from '../../src/core/prices/schema.js';
import { countUserMessageTokens, estimateTextTokens, messageFrameTokens } from '../../src/core/tokens/estimator.js';
import { FEATURE_NAMES } from '../../src/core/tokens/featureNames.js';
import coefficients from '../../src/core/tokens/coefficients.json';

const prose = 'The quick brown fox jumps over the lazy dog, and then it runs back home again.\n';
const code = 'export function add(a: number, b: number): number {\n  return a + b; // sum\n}\n';

test('an empty text costs nothing beyond the message frame', () => {
  for (const family of TOKENIZER_FAMILIES) {
    assert.equal(estimateTextTokens('', family), 0);
    assert.equal(countUserMessageTokens('', family), messageFrameTokens(family));
    assert.ok(messageFrameTokens(family) > 0 && messageFrameTokens(family) < 20, `${family} frame ${messageFrameTokens(family)}`);
  }
});

test('a single word counts a handful of tokens, frame included', () => {
  for (const family of TOKENIZER_FAMILIES) {
    const tokens = countUserMessageTokens('hello', family);
    assert.ok(tokens >= messageFrameTokens(family) + 1 && tokens <= messageFrameTokens(family) + 3, `${family}: ${tokens}`);
  }
});

test('more text never costs fewer tokens, and repeating a text scales its count', () => {
  for (const family of TOKENIZER_FAMILIES) {
    for (const sample of [prose, code]) {
      const once = estimateTextTokens(sample, family);
      const tenTimes = estimateTextTokens(sample.repeat(10), family);
      assert.ok(once > 0);
      assert.ok(Math.abs(tenTimes - 10 * once) <= 10, `${family}: ${once} ×10 → ${tenTimes}`);
      assert.ok(estimateTextTokens(sample + 'x', family) >= once);
    }
  }
});

test('CJK, emoji and rare scripts cost more per character than English', () => {
  const perChar = (text: string) => estimateTextTokens(text, 'v4.7') / text.length;
  const chinese = '鉴于对人类家庭所有成员的固有尊严及其平等的和不移的权利的承认，乃是世界自由、正义与和平的基础，'.repeat(20);
  const emoji = '🎉🚀✨👍🔥'.repeat(100);
  const cherokee = 'ᏂᎦᏓ ᏴᏫ ᏕᎨᏌᏗᏒ ᎾᏍᎩ ᏗᎨᏒᎢ '.repeat(50);
  const english = prose.repeat(20);
  for (const text of [chinese, emoji, cherokee]) assert.ok(perChar(text) > 2 * perChar(english), `${perChar(text)} vs ${perChar(english)}`);
  assert.ok(estimateTextTokens(chinese, 'v3') >= chinese.length * 0.8, 'an ideograph is about a token');
});

test('a 20 MB text is estimated without running out of anything', () => {
  const huge = (code + prose).repeat(Math.ceil(20e6 / (code + prose).length));
  const tokens = estimateTextTokens(huge, 'v5');
  const small = estimateTextTokens(code + prose, 'v5');
  const copies = huge.length / (code + prose).length;
  assert.ok(Math.abs(tokens - small * copies) / (small * copies) < 0.05, `${tokens} vs ${small * copies}`);
});

test('lone surrogates and control characters are counted, not thrown on', () => {
  for (const text of ['\ud83d', '\udc00abc', '\u0000\u0001\u0007', '\ufeffBOM first']) {
    assert.ok(estimateTextTokens(text, 'v3') >= 1, JSON.stringify(text));
  }
});

test('coefficients.json has a weight for every feature of every family', () => {
  for (const family of TOKENIZER_FAMILIES) {
    const weights = (coefficients.families as Record<string, { weights: Record<string, number> }>)[family]!.weights;
    assert.deepEqual(Object.keys(weights).sort(), [...FEATURE_NAMES].sort());
    for (const [name, weight] of Object.entries(weights)) assert.ok(weight >= 0, `${family}.${name} is negative`);
  }
});
