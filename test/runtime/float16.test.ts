import { test } from 'node:test';
import assert from 'node:assert/strict';
import { halfToFloat } from '../../src/runtime/float16.js';

test('half-precision bit patterns decode to their values', () => {
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x7bff), 65504);
  assert.equal(halfToFloat(0x0001), 2 ** -24);
  assert.equal(halfToFloat(0x3555), 0.333251953125);
  assert.equal(halfToFloat(0x7c00), Infinity);
  assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  assert.equal(Object.is(halfToFloat(0x8000), -0), true);
});
