// Bad records never stop the processor and are never lost: each goes to the dead-letter topic with its original
// bytes and Kafka Connect-style headers, and the good records around it still get their entity events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TEXT_EVENT_SCHEMA } from '../../src/serde/registry.js';
import { DLQ_HEADERS } from '../../src/processor/dead-letter.js';
import {
  SENTENCES, createTopics, header, json, produce, readCommitted, stack, startInProcess, testConfig, uniqueName,
} from './helpers.js';

const topicsFor = (name: string) => ({ input: uniqueName(`${name}-in`), output: uniqueName(`${name}-out`), dlq: uniqueName(`${name}-dlq`) });

async function expectDeadLetters(topics: ReturnType<typeof topicsFor>, bad: Record<string, Buffer | string>, good: number) {
  const out = await readCommitted([topics.output, topics.dlq], Object.keys(bad).length + good);
  const dead = out.filter((r) => r.topic === topics.dlq);
  assert.equal(out.filter((r) => r.topic === topics.output).length, good, 'good records still processed');
  assert.equal(dead.length, Object.keys(bad).length, 'one dead letter per bad record');
  for (const r of dead) {
    const key = r.message.key!.toString();
    const expected = key.split(':')[0];
    assert.equal(header(r, DLQ_HEADERS.code), expected, `code of ${key}`);
    assert.deepEqual(r.message.value, Buffer.from(bad[key]), `original bytes of ${key}`);
    assert.equal(header(r, DLQ_HEADERS.topic), topics.input);
    assert.equal(header(r, DLQ_HEADERS.partition), '0');
    assert.match(header(r, DLQ_HEADERS.offset)!, /^\d+$/);
    assert.ok(header(r, DLQ_HEADERS.className));
    assert.ok(header(r, DLQ_HEADERS.message)!.length > 0);
    assert.equal(header(r, 'trace-id'), 'kept', 'input headers are kept');
  }
}

test('json input: invalid JSON, invalid UTF-8, empty text, text over the cap, missing fields, unknown labels', async () => {
  const topics = topicsFor('dlq-json');
  await createTopics([topics.input]);
  const { processor } = await startInProcess(testConfig(topics, { maxTextChars: 300 }));
  try {
    const bad: Record<string, Buffer | string> = {
      'PADELLM_BAD_JSON:1': '{"text": "unterminated',
      'PADELLM_BAD_UTF8:1': Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d]),
      'PADELLM_EMPTY_TEXT:1': JSON.stringify({ text: '   ' }),
      'PADELLM_EMPTY_TEXT:2': Buffer.alloc(0),
      'PADELLM_TEXT_OVER_CAP:1': JSON.stringify({ text: SENTENCES.join(' ').repeat(2) }),
      'PADELLM_MISSING_FIELD:1': JSON.stringify({ id: 'x', body: 'no text field here' }),
      'PADELLM_MISSING_FIELD:2': JSON.stringify({ text: 'Oslo is cold.', labels: 'LOC' }),
      'PADELLM_MISSING_FIELD:3': JSON.stringify(['a', 'list']),
      'PADELLM_UNKNOWN_LABEL:1': JSON.stringify({ text: 'Oslo is cold.', labels: ['LOC', 'PLANET'] }),
    };
    const messages = Object.entries(bad).flatMap(([key, value], i) => [
      { key, value: Buffer.from(value), headers: { 'trace-id': 'kept' } },
      { key: `good-${i}`, value: JSON.stringify({ text: SENTENCES[i % SENTENCES.length] }) },
    ]);
    await produce(topics.input, messages);
    await expectDeadLetters(topics, bad, Object.keys(bad).length);
  } finally {
    await processor.stop();
  }
});

test('avro input: undecodable bodies, wrong magic byte, unknown schema id, a writer schema without text', async () => {
  const topics = topicsFor('dlq-avro');
  await createTopics([topics.input]);
  const registry = new SchemaRegistry({ host: stack.registryUrl });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: TEXT_EVENT_SCHEMA }, { subject: `${topics.input}-value` });
  const other = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify({
    type: 'record', name: 'Other', namespace: 'io.padellm.test', fields: [{ name: 'body', type: 'string' }],
  }) }, { subject: uniqueName('other-value') });
  const { processor } = await startInProcess(testConfig(topics, { inputFormat: 'avro' }));
  try {
    const wire = (schemaId: number, body: Buffer) => {
      const framed = Buffer.concat([Buffer.alloc(5), body]); // magic byte 0, then the schema id
      framed.writeInt32BE(schemaId, 1);
      return framed;
    };
    const good = await registry.encode(id, { id: 'ok', text: SENTENCES[3], labels: null, metadata: null });
    const bad: Record<string, Buffer> = {
      'PADELLM_BAD_AVRO:1': Buffer.from('plain text, not avro'),
      'PADELLM_BAD_AVRO:2': good.subarray(0, 9),
      'PADELLM_BAD_AVRO:3': wire(id, Buffer.from([0x02, 0xff, 0xff, 0xff, 0xff, 0x0f])),
      'PADELLM_UNKNOWN_SCHEMA:1': wire(987_654, good.subarray(5)),
      'PADELLM_MISSING_FIELD:1': await registry.encode(other.id, { body: 'no text' }),
      'PADELLM_EMPTY_TEXT:1': await registry.encode(id, { id: 'empty', text: '', labels: null, metadata: null }),
    };
    const messages = Object.entries(bad).flatMap(([key, value], i) => [
      { key, value, headers: { 'trace-id': 'kept' } }, { key: `good-${i}`, value: good },
    ]);
    await produce(topics.input, messages);
    await expectDeadLetters(topics, bad, Object.keys(bad).length);
    assert.ok((await processor.metrics.deadLettered.get()).values.some((v) => v.labels.code === 'PADELLM_UNKNOWN_SCHEMA'));
  } finally {
    await processor.stop();
  }
});
