// A bad input just under the broker's record limit: its dead letter (original bytes plus headers) would not fit,
// so it is written cut, with headers that say so, and the good records behind it still come out. Nothing skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DLQ_HEADERS } from '../../src/processor/dead-letter.js';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../../src/transport/record-size.js';
import {
  SENTENCES, createTopics, header, json, produce, readCommitted, startInProcess, testConfig, uniqueName,
} from './helpers.js';

test('an input just under the record limit is dead-lettered truncated, and the records after it still come out', { timeout: 120_000 }, async () => {
  const topics = { input: uniqueName('big-in'), output: uniqueName('big-out'), dlq: uniqueName('big-dlq') };
  await createTopics([topics.input]);
  const { processor } = await startInProcess(testConfig(topics, { maxTextChars: 100_000 }));
  try {
    // A JSON text event whose text is far over --max-text-chars, sized so the record just fits the broker.
    // The record fits with ~300 bytes to spare; its dead letter adds ~400 bytes of headers, so it would not.
    const envelope = Buffer.byteLength(JSON.stringify({ id: 'big', text: '' }));
    const big = Buffer.from(JSON.stringify({ id: 'big', text: 'x'.repeat(KAFKA_DEFAULT_MAX_MESSAGE_BYTES - 300 - envelope) }));
    await produce(topics.input, [{ key: 'big', value: big, headers: { 'trace-id': 'kept' } }]);
    await produce(topics.input, SENTENCES.slice(0, 3).map((text, i) => ({ key: `good-${i}`, value: JSON.stringify({ id: `good-${i}`, text }) })));

    const got = await readCommitted([topics.output, topics.dlq], 4, 90_000);
    const dead = got.filter((r) => r.topic === topics.dlq);
    assert.equal(dead.length, 1, 'the big record reached the dead-letter topic');
    const [letter] = dead;
    assert.equal(header(letter, DLQ_HEADERS.code), 'PADELLM_TEXT_OVER_CAP');
    assert.equal(header(letter, DLQ_HEADERS.truncated), 'true');
    assert.equal(header(letter, DLQ_HEADERS.originalBytes), String(big.length));
    assert.equal(header(letter, DLQ_HEADERS.originalSha256), createHash('sha256').update(big).digest('hex'));
    assert.equal(header(letter, DLQ_HEADERS.topic), topics.input);
    assert.equal(header(letter, DLQ_HEADERS.offset), '0');
    assert.ok(letter.message.value!.length < big.length && letter.message.value!.length > big.length - 4_096,
      `the value is cut only as much as needed (${letter.message.value!.length} of ${big.length} bytes)`);
    assert.deepEqual(letter.message.value, big.subarray(0, letter.message.value!.length), 'a prefix of the original');
    assert.deepEqual(got.filter((r) => r.topic === topics.output).map((r) => json(r).id), ['good-0', 'good-1', 'good-2']);
  } finally {
    await processor.stop();
  }
});
