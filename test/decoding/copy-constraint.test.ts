// Mentions kept to spans of the text: the most probable token that keeps the mention a substring, else EOS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greedy } from '../../src/decoding/greedy.js';
import { greedyChooser, textSpanChooser } from '../../src/decoding/copy-constraint.js';

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

test('EOS only ends a mention that is a span; nothing that fits among the candidates ends it', () => {
  const choose = textSpanChooser(text, decode, 0);
  assert.equal(choose(logitsFavouring(0, 2), [1]).token, 0, '"Mar" is a span: it may end there');
  assert.equal(choose(logitsFavouring(0, 4), []).token, 4, 'an empty mention does not end');
  assert.equal(choose(logitsFavouring(6), [1, 2]).token, 0, '"Mara joined" is not in the text: the end');
});

test('a token ending inside a character fits where the text goes on with a character outside ASCII', () => {
  const choose = textSpanChooser(text, decode, 0);
  assert.equal(choose(logitsFavouring(8, 0), []).token, 8, 'a lone partial character: the text has one');
  const noUnicode = textSpanChooser('Mara Lindqvist joined.', decode, 0);
  assert.equal(noUnicode(logitsFavouring(8, 1), []).token, 1, 'no character outside ASCII: the partial one cannot fit');
});
