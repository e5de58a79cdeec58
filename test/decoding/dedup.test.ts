import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedup } from '../../src/decoding/dedup.js';

const order = ['ORG', 'MISC', 'PER', 'LOC'];

test('a string under two labels keeps the more probable label', () => {
  const out = dedup([
    { label: 'ORG', text: 'Jordan', score: 0.2 },
    { label: 'PER', text: 'Jordan', score: 0.7 },
    { label: 'LOC', text: 'Paris', score: 0.9 },
  ], order);
  assert.deepEqual(out.map((m) => `${m.label}:${m.text}`), ['PER:Jordan', 'LOC:Paris']);
});

test('ties go to the first label in label order', () => {
  const out = dedup([
    { label: 'LOC', text: 'Washington', score: 0.5 },
    { label: 'PER', text: 'Washington', score: 0.5 },
  ], order);
  assert.deepEqual(out.map((m) => m.label), ['PER']);
});

test('matching is exact and case-sensitive; repeats under the winning label all stay', () => {
  const out = dedup([
    { label: 'ORG', text: 'apple', score: 0.9 },
    { label: 'ORG', text: 'Apple', score: 0.1 },
    { label: 'ORG', text: 'Apple', score: 0.3 },
    { label: 'MISC', text: 'Apple', score: 0.2 },
  ], order);
  assert.deepEqual(out.map((m) => `${m.label}:${m.text}:${m.score}`), ['ORG:apple:0.9', 'ORG:Apple:0.1', 'ORG:Apple:0.3']);
});
