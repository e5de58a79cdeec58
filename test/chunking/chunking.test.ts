import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitText } from '../../src/chunking/split.js';
import { mergeChunkEntities } from '../../src/chunking/merge.js';
import type { Entity } from '../../src/engine/types.js';

// Token counting by words keeps these tests about the splitting rules; the processor tests use the real tokenizer.
const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

const doc = 'Maria Lindqvist flew to Oslo on Monday. She met the board of Nordvik Shipping there. ' +
  'The talks lasted until Friday. Afterwards she returned home to Uppsala.';

test('chunks are whole sentences within budget, overlapping by one sentence', async () => {
  const chunks = splitText(doc, 16, countWords);
  assert.ok(chunks.length >= 3);
  for (const c of chunks) {
    assert.ok(countWords(c.text) <= 16, c.text);
    assert.equal(doc.slice(c.start, c.end), c.text);
    assert.match(c.text, /\.\s*$/);
  }
  assert.equal(chunks[0].start, 0);
  assert.equal(chunks.at(-1)!.end, doc.length);
  for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i].start < chunks[i - 1].end, 'consecutive chunks overlap');
});

test('a sentence longer than the window is cut between words, a word longer than the window inside it', async () => {
  const long = 'one two three four five six seven eight nine ten eleven twelve.';
  const chunks = splitText(long, 4, countWords);
  for (const c of chunks) assert.ok(countWords(c.text) <= 4);
  assert.equal(chunks.at(-1)!.end, long.length);
  const word = 'x'.repeat(40);
  const byChars = splitText(word, 8, (t) => Math.ceil(t.length / 3));
  assert.ok(byChars.every((c) => c.text.length <= 24));
  assert.equal(byChars.map((c) => c.text).join('').length >= word.length, true);
});

test('short text is one chunk', async () => {
  assert.deepEqual(splitText('Hello Oslo.', 100, countWords), [{ start: 0, end: 11, text: 'Hello Oslo.' }]);
});

test('merging moves offsets into the document and drops seam duplicates', () => {
  const e = (label: string, text: string, start: number | null, score = 0.9): Entity =>
    ({ label, text, start, end: start === null ? null : start + text.length, score });
  const text = 'Anna lives in Rome. Rome is big. Bob likes Rome.';
  const a = { start: 0, end: 32, text: text.slice(0, 32) };
  const b = { start: 20, end: text.length, text: text.slice(20) };
  const merged = mergeChunkEntities([
    { chunk: a, entities: [e('PER', 'Anna', 0), e('LOC', 'Rome', 14), e('LOC', 'Rome', 20, 0.5)] },
    { chunk: b, entities: [e('LOC', 'Rome', 0, 0.8), e('PER', 'Bob', 13), e('LOC', 'Rome', 23), e('MISC', 'Romans', null)] },
  ], text.length);
  assert.deepEqual(merged.map((m) => [m.label, m.text, m.start, m.end]), [
    ['PER', 'Anna', 0, 4], ['LOC', 'Rome', 14, 18], ['LOC', 'Rome', 20, 24], ['PER', 'Bob', 33, 36], ['LOC', 'Rome', 43, 47],
    ['MISC', 'Romans', null, null],
  ]);
  for (const m of merged.filter((x) => x.start !== null)) assert.equal(text.slice(m.start!, m.end!), m.text);
  assert.equal(merged[2].score, 0.8, 'the duplicate keeps its best score');
});

test('a mention cut at a chunk edge yields to the whole one from the neighbour', () => {
  const text = 'We visited New York City today.';
  const a = { start: 0, end: 19, text: text.slice(0, 19) }; // "We visited New York"
  const b = { start: 11, end: text.length, text: text.slice(11) };
  const merged = mergeChunkEntities([
    { chunk: a, entities: [{ label: 'LOC', text: 'New York', start: 11, end: 19, score: 0.9 }] },
    { chunk: b, entities: [{ label: 'LOC', text: 'New York City', start: 0, end: 13, score: 0.7 }] },
  ], text.length);
  assert.deepEqual(merged.map((m) => m.text), ['New York City']);
});
