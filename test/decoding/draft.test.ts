// Copy drafts: the tokens of the text that follows the generated part of a mention, matched on characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDrafter } from '../../src/decoding/draft.js';

// A word-level toy tokenizer: each word (with its leading space) is one id; a mention's words are encoded alone,
// and a few words also have pieces ("Ar" + "ctic"), as BPE splits a word written without its space.
const vocab = ['Ar', 'ctic', ' Arctic', ' Council', ' met', ' in', ' Tromso', ' and', ' Paul', 'Paul', ' Moreau',
  ' Ines', 'Ines', '.', ' Paulo'];
const id = new Map(vocab.map((w, i) => [w, i]));
const decode = (ids: readonly number[]) => ids.map((i) => vocab[i]).join('');
const encode = (text: string) => {
  const out: number[] = [];
  for (let rest = text; rest.length > 0;) {
    // Longest word first; a character outside the toy vocabulary (a cut word) is id 99.
    const w = [...vocab].sort((a, b) => b.length - a.length).find((v) => rest.startsWith(v));
    out.push(w ? id.get(w)! : 99);
    rest = rest.slice(w ? w.length : 1);
  }
  return out;
};
const ids = (...words: string[]) => words.map((w) => id.get(w)!);
const text = 'Ines Moreau met Paul in Tromso and Paulo Moreau met Paul.';

test('the draft is the text after the generated characters, tokenized; capped; nothing when not in the text', () => {
  const d = new TextDrafter(text, encode, decode, 3);
  assert.deepEqual(d.propose(ids('Ines')), ids(' Moreau', ' met', ' Paul'));
  assert.deepEqual(d.propose([]), []);
  assert.deepEqual(new TextDrafter(text, encode, decode, 3).propose(ids(' Council')), [], 'not in the text');
  assert.deepEqual(new TextDrafter(text, encode, decode, 0).propose(ids('Ines')), []);
});

test('a word the mention splits differently from the text still drafts its rest ("Ar" + "ctic" against " Arctic")', () => {
  const d = new TextDrafter('The Arctic Council met in Tromso.', encode, decode, 4);
  assert.deepEqual(d.propose(ids('Ar')), ids('ctic', ' Council', ' met', ' in'));
  assert.deepEqual(d.propose(ids('Ar', 'ctic')), ids(' Council', ' met', ' in', ' Tromso'));
});

test('a repeated string: the whole generated part picks the occurrence, a word start beats the inside of a word', () => {
  const d = new TextDrafter(text, encode, decode, 2);
  assert.deepEqual(d.propose(ids('Paul')), ids(' in', ' Tromso'), '"Paul" starts a word first at " Paul in"');
  assert.deepEqual(d.propose(ids(' Paulo')), ids(' Moreau', ' met'));
  assert.deepEqual(d.propose(ids(' Moreau', ' met', ' Paul')), ids(' in', ' Tromso'), 'the first "Moreau met Paul"');
  assert.deepEqual(d.propose(ids('Paul', '.')), [], 'the text ends there: nothing to draft');
  assert.deepEqual(new TextDrafter('Tromso met Arctic.', encode, decode, 2).propose(ids('ctic')), ids('.'),
    'only inside a word: still a draft');
});

test('a mention that left the text drafts again from its longest tail that is in it', () => {
  const d = new TextDrafter(text, encode, decode, 2);
  assert.deepEqual(d.propose(ids(' Council', ' Moreau')), ids(' met', ' Paul'), '"Council" is not in the text');
});

test('a piece matching the text\'s first word and a later word drafts after the later one', () => {
  const d = new TextDrafter('Ines met Paul and Ines.', encode, decode, 2);
  assert.deepEqual(d.propose(ids('Ines')), ids('.'), 'the later "Ines"');
  assert.deepEqual(new TextDrafter('Ines met Paul.', encode, decode, 2).propose(ids('Ines')), ids(' met', ' Paul'),
    'the first word when it is the only match');
});
