import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignLabelMentions } from '../../src/decoding/align.js';

const spans = (text: string, mentions: string[]) =>
  alignLabelMentions(text, mentions).map((s) => (s ? text.slice(s.start, s.end) + '@' + s.start : null));

test('repeated strings map to successive occurrences', () => {
  const text = 'Lisbon beat Porto, then Lisbon lost to Porto again.';
  assert.deepEqual(spans(text, ['Lisbon', 'Porto', 'Lisbon', 'Porto']), ['Lisbon@0', 'Porto@12', 'Lisbon@24', 'Porto@39']);
});

test('whole words are preferred over matches inside longer words', () => {
  const text = 'Yorkshire fans travelled to York on Sunday.';
  assert.deepEqual(spans(text, ['York']), ['York@28']);
});

test('nested mentions under different labels align independently', () => {
  const text = 'The New York Times wrote about New York.';
  assert.deepEqual(spans(text, ['New York Times']), ['New York Times@4']);
  assert.deepEqual(spans(text, ['New York', 'New York']), ['New York@4', 'New York@31']);
});

test('case and whitespace differences still align, to the text as written', () => {
  const text = 'Shares of ACME  Corp rose in NEW YORK.';
  assert.deepEqual(spans(text, ['Acme Corp', 'New York']), ['ACME  Corp@10', 'NEW YORK@29']);
});

test('an out-of-order mention falls back to an earlier occurrence', () => {
  const text = 'Mara met Tomas in Oslo.';
  assert.deepEqual(spans(text, ['Tomas', 'Mara']), ['Tomas@9', 'Mara@0']);
});

test('text without spaces (Chinese) aligns', () => {
  const text = '李明在北京见到了王芳，然后去了上海。';
  assert.deepEqual(spans(text, ['北京', '上海']), ['北京@3', '上海@15']);
});

test('a mention absent from the text gets null', () => {
  assert.deepEqual(spans('Nothing here.', ['Berlin', '']), [null, null]);
});
