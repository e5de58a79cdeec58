// Copy drafts: the text tokens after the best match of the generated tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDrafter } from '../../src/decoding/draft.js';

// Ids are words; id 10 is "Ines" written alone, 1 is " Ines" inside the text.
const words: Record<number, string> = { 1: ' Ines', 2: ' Moreau', 3: ' met', 4: ' Paul', 5: ' in', 6: ' Lyon', 7: ' and', 10: 'Ines', 11: 'Paul' };
const decode = (ids: readonly number[]) => ids.map((i) => words[i] ?? '?').join('');
const text = [1, 2, 3, 4, 2, 5, 6, 7, 4, 5, 1];

test('the mention\'s first token matches its spaced form in the text; the draft is what follows, capped', () => {
  const d = new TextDrafter(text, decode, 3);
  assert.deepEqual(d.propose([10]), [2, 3, 4]);
  assert.deepEqual(d.propose([]), []);
  assert.deepEqual(d.propose([99]), [], 'a token not in the text drafts nothing');
  assert.deepEqual(new TextDrafter(text, decode, 0).propose([10]), []);
});

test('a repeated token: the occurrence matching more of the generated tail wins, the earliest on a tie', () => {
  const d = new TextDrafter(text, decode, 2);
  assert.deepEqual(d.propose([11]), [2, 5], 'Paul occurs twice: the first wins the tie');
  assert.deepEqual(d.propose([10, 2, 3, 4]), [2, 5]);
  assert.deepEqual(d.propose([7, 4]), [5, 1], '"and Paul" matches the second occurrence');
});
