import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F1Tally } from '../../src/eval/f1.js';

test('string-set micro-F1 ignores repeats and offsets; span F1 needs exact offsets', () => {
  const t = new F1Tally();
  const labels = ['PER', 'LOC'];
  t.add(
    [{ label: 'PER', text: 'Ann', start: 0, end: 3 }, { label: 'LOC', text: 'Riga', start: 10, end: 14 }],
    [
      { label: 'PER', text: 'Ann', start: 0, end: 3 }, { label: 'PER', text: 'Ann', start: 0, end: 3 },
      { label: 'LOC', text: 'Riga', start: null, end: null }, { label: 'LOC', text: 'Oslo', start: 20, end: 24 },
    ],
    labels,
  );
  const m = t.micro();
  assert.deepEqual([m.tp, m.fp, m.fn], [2, 1, 0]);
  assert.ok(Math.abs(m.f1 - 80) < 1e-9);
  const s = t.spanMicro();
  assert.deepEqual([s.tp, s.fp, s.fn], [1, 2, 1]);
  assert.equal(t.perLabel().PER.f1, 100);
});
