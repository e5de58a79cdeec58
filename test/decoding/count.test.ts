import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countStop, parseCount } from '../../src/decoding/count.js';
import { greedy } from '../../src/decoding/greedy.js';

test('parseCount reads leading digits and treats junk as zero', () => {
  assert.equal(parseCount('2', 20), 2);
  assert.equal(parseCount(' 12\n', 20), 12);
  assert.equal(parseCount('3abc', 20), 3);
  assert.equal(parseCount('abc', 20), 0);
  assert.equal(parseCount('', 20), 0);
  assert.equal(parseCount('999', 20), 20);
});

test('countStop stops at newline, EOS, the cap, a zero, junk or a count that cannot grow', () => {
  // Token ids are the characters' code points here, so decode is String.fromCharCode.
  const decode = (ids: readonly number[]) => String.fromCharCode(...ids);
  const stop = countStop({ eosId: 2, newlineId: 10, maxCountTokens: 3, maxCount: 20, decode });
  const ids = (s: string) => [...s].map((c) => c.charCodeAt(0));
  assert.equal(stop(ids('1')), false);
  assert.equal(stop(ids('2')), false);
  assert.equal(stop(ids('3')), true);
  assert.equal(stop(ids('0')), true);
  assert.equal(stop(ids('1\n')), true);
  assert.equal(stop([...ids('1'), 2]), true);
  assert.equal(stop(ids('x')), true);
  assert.equal(stop(ids(' ')), false);
  assert.equal(stop(ids('  1')), true);
  assert.equal(stop(ids('12')), true);
});

test('greedy picks the first maximum and a stable softmax probability', () => {
  assert.deepEqual(greedy([1, 3, 3, 0]).token, 1);
  const { prob } = greedy([1000, 1000 + Math.log(3)]);
  assert.ok(Math.abs(prob - 0.75) < 1e-12);
  assert.equal(greedy(new Float32Array([-1e30, 5, -1e30])).prob, 1);
});
