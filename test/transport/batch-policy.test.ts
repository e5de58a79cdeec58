import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchPolicy } from '../../src/transport/batch-policy.js';

test('full by records or bytes, due by the age of its first record', () => {
  const policy = new BatchPolicy({ maxRecords: 3, maxBytes: 100, maxDelayMs: 50 });
  assert.equal(policy.empty(), true);
  assert.equal(policy.dueInMs(1000), undefined);
  policy.add(1, 10, 1000);
  assert.equal(policy.full(), false);
  assert.equal(policy.dueInMs(1020), 30);
  policy.add(1, 10, 1030);
  assert.equal(policy.dueInMs(1030), 20, 'the first record sets the deadline');
  assert.equal(policy.dueInMs(1100), 0);
  policy.add(1, 10, 1040);
  assert.equal(policy.full(), true, 'three records');
  policy.reset();
  assert.equal(policy.empty(), true);
  policy.add(1, 100);
  assert.equal(policy.full(), true, '100 bytes');
});

test('a period of 0 is due at once', () => {
  const policy = new BatchPolicy({ maxRecords: 10, maxBytes: 1000, maxDelayMs: 0 });
  policy.add(1, 1, 5);
  assert.equal(policy.dueInMs(5), 0);
});
