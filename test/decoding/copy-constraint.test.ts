// Mentions kept to spans of the text: the most probable token that keeps the mention a substring, else EOS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greedy } from '../../src/decoding/greedy.js';
import { greedyChooser, isWordSpan, textSpanChooser, widenToWords } from '../../src/decoding/copy-constraint.js';

// Toy vocabulary: id 0 is EOS; a mention is the concatenation of its tokens' text.
const vocab = ['<eos>', 'Mar', 'a', 'ina', ' Lind', 'qvist', ' joined', 'Ma', '\uFFFD', 'ø'];
const decode = (ids: readonly number[]) => ids.filter((i) => i !== 0).map((i) => vocab[i]).join('');
const text = 'Mara Lindqvist joined Tromsø Fish.';
const logitsFavouring = (...order: number[]) => {
  const l = new Float32Array(vocab.length).fill(-10);
  order.forEach((id, rank) => { l[id] = 5 - rank; });
  return l;
};

test('the best token is kept when the mention stays a span of the text, with its greedy probability', () => {
  const choose = textSpanChooser(text, decode, 0);
  const logits = logitsFavouring(1, 7);
  assert.deepEqual(choose(logits, []), greedy(logits));
});

test('a token that leaves the text gives way to the most probable one that does not, with its own probability', () => {
  const choose = textSpanChooser(text, decode, 0);
  const logits = logitsFavouring(3, 2, 0); // "ina" (Marina) first, then "a" (Mara), then EOS
  const c = choose(logits, [1]);
  assert.equal(c.token, 2);
  const p = Array.from(logits, (v) => Math.exp(v));
  assert.ok(Math.abs(c.prob - p[2] / p.reduce((a, b) => a + b, 0)) < 1e-6, `prob ${c.prob}`);
  assert.equal(greedyChooser(logits, [1]).token, 3, 'plain greedy would have written "Marina"');
});

test('EOS only ends a mention that is a span of whole words; nothing that fits among the candidates ends it', () => {
  const choose = textSpanChooser(text, decode, 0);
  assert.equal(choose(logitsFavouring(0, 2), [1, 2]).token, 0, '"Mara" is a span of whole words: it may end there');
  assert.equal(choose(logitsFavouring(0, 2), [1]).token, 2, '"Mar" cuts "Mara": the best token that goes on wins');
  assert.equal(choose(logitsFavouring(0, 4), []).token, 4, 'an empty mention does not end');
  assert.equal(choose(logitsFavouring(6), [1, 2]).token, 0, '"Mara joined" is not in the text: the end');
});

test('a token ending inside a character fits where the text goes on with a character outside ASCII', () => {
  const choose = textSpanChooser(text, decode, 0);
  assert.equal(choose(logitsFavouring(8, 0), []).token, 8, 'a lone partial character: the text has one');
  const noUnicode = textSpanChooser('Mara Lindqvist joined.', decode, 0);
  assert.equal(noUnicode(logitsFavouring(8, 1), []).token, 1, 'no character outside ASCII: the partial one cannot fit');
});

test('a word span starts and ends at word boundaries, in any alphabet, and anywhere in unspaced scripts', () => {
  const text = 'Flights from Glasgow to Tromsø, Zürich and 東京都 left at 9:40.';
  for (const m of ['Glasgow', 'Tromsø', 'Zürich', 'Glasgow to Tromsø', '東京', '東京都', '9']) {
    assert.ok(isWordSpan(text, m), m);
  }
  for (const m of ['Gla', 'lasgow', 'Troms', 'Zür', 'rich', '', 'Oslo']) assert.ok(!isWordSpan(text, m), m);
  assert.ok(isWordSpan('Glasgowians love Glasgow.', 'Glasgow'), 'a later whole-word occurrence counts');
});

test('a mention cut inside a word is widened to the whole words; others are left as they are', () => {
  const text = 'Delmont Aerospace moved from Leeds to Glasgow. Zürich-based 東京都';
  assert.equal(widenToWords(text, 'Gla'), 'Glasgow');
  assert.equal(widenToWords(text, 'ont Aero'), 'Delmont Aerospace');
  assert.equal(widenToWords(text, 'ürich'), 'Zürich', 'stops at the hyphen');
  assert.equal(widenToWords(text, '東京'), '東京', 'unspaced scripts are never cut');
  assert.equal(widenToWords(text, 'Leeds'), 'Leeds');
  assert.equal(widenToWords(text, 'Oslo'), 'Oslo', 'not in the text: unchanged');
});
