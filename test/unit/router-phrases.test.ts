import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anyOf, pattern, phrases } from '../../src/core/router/signals/phrases.js';

// The router's word lists compile through these three builders; a wrong escape or boundary would
// silently widen or kill a signal, so each rule is checked on the text it must and must not match.

test('plain strings are literal text: regex characters in them are escaped', () => {
  const dots = phrases(['tl.dr', 'n+1', 'o(n²)']);
  assert.equal('tl;dr tlxdr'.match(dots), null);
  assert.equal('see tl.dr here'.match(dots)?.[0], 'tl.dr');
  assert.equal('an n+1 query'.match(dots)?.[0], 'n+1');
  assert.equal(pattern`\b${['o(n²)']}`.exec('is o(n²) slow')?.[0], 'o(n²)');
});

test('RegExp entries are patterns, used as written', () => {
  const money = phrases([/payments?/, /double[- ]?charg\w*/]);
  assert.equal('two payments'.match(money)?.[0], 'payments');
  assert.equal('a payment'.match(money)?.[0], 'payment');
  assert.equal('customers double-charged'.match(money)?.[0], 'double-charged');
});

test('phrases match whole words only', () => {
  const cat = phrases(['cat', 'dog food']);
  assert.equal(cat.test('concatenate'), false);
  assert.equal(cat.test('dog foods'), false);
  assert.equal('a cat.'.match(cat)?.[0], 'cat');
  assert.equal('dog food!'.match(cat)?.[0], 'dog food');
});

test('the first entry that fits wins, so list order decides what a reason quotes', () => {
  assert.equal('markdown table'.match(phrases(['markdown', 'markdown table']))?.[0], 'markdown');
  assert.equal('markdown table'.match(phrases(['markdown table', 'markdown']))?.[0], 'markdown table');
});

test('a list inside a template is one group of alternatives; text around it stays regex source', () => {
  const convert = pattern`^${['json', 'yaml']} (to|into) ${['csv', 'toml']}\b`;
  assert.equal(convert.test('yaml into toml'), true);
  assert.equal(convert.test('json to csv please'), true);
  assert.equal(convert.test('xml to csv'), false);
  assert.equal(convert.test('so json to csv'), false, '^ anchors the whole group, not only its first entry');
  assert.equal(pattern`${[['a', 'b'], 'c']}!`.exec('b!')?.[0], 'b!', 'a nested list is a group inside the group');
});

test('anyOf joins differently shaped alternatives at the top level', () => {
  const either = anyOf([/^start/, 'end.', phrases(['middle'])]);
  assert.equal(either.test('start here'), true);
  assert.equal(either.test('not start'), false, '^ belongs to its own alternative');
  assert.equal('the end.'.match(either)?.[0], 'end.');
  assert.equal('endx'.match(either), null);
  assert.equal('in the middle'.match(either)?.[0], 'middle');
});

test('flags apply to the whole pattern', () => {
  assert.deepEqual('rps and qps, then rps'.match(phrases(['rps', 'qps'], 'g')), ['rps', 'qps', 'rps']);
  assert.deepEqual('a1 b2'.match(anyOf([/a\d/, /b\d/], 'g')), ['a1', 'b2']);
});

test('an entry with flags of its own is refused at load, since they would be silently dropped', () => {
  assert.throws(() => phrases(['ok', /Case/i]), /flags go on the whole pattern/);
  assert.throws(() => pattern`^${phrases(['x'], 'g')}`, /flags go on the whole pattern/);
});
