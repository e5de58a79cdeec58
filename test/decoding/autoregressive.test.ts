import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArOutput } from '../../src/decoding/autoregressive.js';
import { toEntities } from '../../src/decoding/entities.js';
import type { DecodeContext } from '../../src/decoding/task.js';

// One token per character: ids are code points, so decode and offsets are trivial and exact.
const ctx = {
  eosId: 2,
  prompts: { arItemPattern: '{label}: {mention}\n' },
  decode: (ids: readonly number[]) => String.fromCodePoint(...ids),
  offsets: (ids: readonly number[]) => ids.map((_, i) => [i, i + 1] as [number, number]),
} as unknown as DecodeContext;

const encode = (s: string) => [...s].map((c) => c.codePointAt(0)!);

test('ar_item lines parse into per-label mentions with k and token-probability scores', () => {
  const out = 'PER: Ann Lee\nLOC: Riga\nPER: Bo\nFOO: x\nnot an item\nLOC: Oslo';
  const tokens = [...encode(out), 2];
  const probs = tokens.map((_, i) => (i === 5 ? 0.5 : 1));
  const m = parseArOutput(ctx, tokens, probs, ['ORG', 'PER', 'LOC']);
  assert.deepEqual(m.map((x) => [x.label, x.k, x.text]), [['PER', 1, 'Ann Lee'], ['LOC', 1, 'Riga'], ['PER', 2, 'Bo'], ['LOC', 2, 'Oslo']]);
  assert.equal(m[0].score, 0.5); // token 5 ("A") lies inside "Ann Lee"
  assert.equal(m[1].score, 1);
});

test('entities: aligned per label, deduplicated by score, ordered by position', () => {
  const text = 'Jordan met Ann in Jordan.';
  const { entities, unaligned } = toEntities(text, [
    { label: 'PER', k: 1, text: 'Jordan', score: 0.4 },
    { label: 'PER', k: 2, text: 'Ann', score: 0.9 },
    { label: 'LOC', k: 1, text: 'Jordan', score: 0.6 },
    { label: 'LOC', k: 2, text: 'Jordan', score: 0.6 },
    { label: 'LOC', k: 3, text: 'Mars', score: 0.3 },
    { label: 'LOC', k: 4, text: 'Jordan', score: 0.6 }, // a third Jordan: the text has two, so it is a repeat
    { label: 'LOC', k: 5, text: 'Mars', score: 0.2 }, // unaligned twice: the second is a repeat
  ], ['ORG', 'PER', 'LOC'], true);
  assert.deepEqual(entities.map((e) => [e.label, e.text, e.start, e.end]), [
    ['LOC', 'Jordan', 0, 6], ['PER', 'Ann', 11, 14], ['LOC', 'Jordan', 18, 24], ['LOC', 'Mars', null, null],
  ]);
  assert.equal(unaligned, 1);
});
