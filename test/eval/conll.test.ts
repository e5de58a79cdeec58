import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOC_START, parseConll } from '../../src/eval/conll.js';

test('IOB2 file: sentences, text joined by spaces, entity offsets, DOCSTART skipped', () => {
  const file = [
    `${DOC_START} -X- -X- O`, '',
    'Mara NNP B-NP B-PER', 'Lind NNP I-NP I-PER', 'visited VBD B-VP O', 'Oslo NNP B-NP B-LOC', '. . O O', '',
    'Northwind NNP B-NP B-ORG', 'Bank NNP I-NP I-ORG', 'Oslo NNP I-NP B-LOC', '',
  ].join('\n');
  const s = parseConll(file);
  assert.equal(s.length, 2);
  assert.equal(s[0].text, 'Mara Lind visited Oslo .');
  assert.deepEqual(s[0].entities, [
    { label: 'PER', text: 'Mara Lind', start: 0, end: 9 },
    { label: 'LOC', text: 'Oslo', start: 18, end: 22 },
  ]);
  assert.deepEqual(s[1].entities.map((e) => `${e.label}:${e.text}`), ['ORG:Northwind Bank', 'LOC:Oslo']);
});

test('IOB1 tags (I- opening an entity, B- splitting two adjacent ones) are read right', () => {
  const s = parseConll('Anna I-PER\nBerg I-PER\nTom B-PER\nin O\nRiga I-LOC\n');
  assert.deepEqual(s[0].entities.map((e) => e.text), ['Anna Berg', 'Tom', 'Riga']);
});
