// Text events through a running processor and back, in each input and output format, against the real broker,
// registry and engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TEXT_EVENT_SCHEMA } from '../../src/serde/registry.js';
import {
  SENTENCES, createTopics, json, kafka, produce, readCommitted, stack, startInProcess, testConfig, uniqueName,
} from './helpers.js';

function topicsFor(name: string) {
  return { input: uniqueName(`${name}-in`), output: uniqueName(`${name}-out`), dlq: uniqueName(`${name}-dlq`) };
}

test('json in, json out: one event per input, ids, labels, order per partition, long documents in chunks', async () => {
  const topics = topicsFor('json');
  await createTopics([topics.input], 3);
  const { processor } = await startInProcess(testConfig(topics));
  try {
    const long = Array.from({ length: 6 }, () => SENTENCES.join(' ')).join(' ');
    const messages = [
      ...Array.from({ length: 30 }, (_, i) => ({ key: `key-${i % 5}`, value: JSON.stringify({ id: `doc-${i}`, text: SENTENCES[i % SENTENCES.length] }) })),
      { key: 'no-id', value: JSON.stringify({ text: SENTENCES[0], labels: ['PER', 'LOC'] }) },
      { key: null, value: JSON.stringify({ id: 'long-doc', text: long }) },
    ];
    await produce(topics.input, messages);
    const out = await readCommitted([topics.output], messages.length);
    assert.equal(out.length, messages.length, 'every input has exactly one output');
    const events = out.map(json);
    assert.deepEqual(new Set(events.map((e) => e.id)).size, messages.length);
    for (const e of events) {
      assert.equal(e.source.topic, topics.input);
      assert.ok(Array.isArray(e.entities));
      assert.equal(typeof e.model.name, 'string');
      for (const t of ['queueMs', 'decodeMs', 'endToEndMs']) assert.ok(e.timings[t] >= 0, t);
    }
    const noId = events.find((e) => e.id === 'no-id');
    assert.ok(noId, 'the record key stands in for a missing id');
    assert.ok(noId.entities.every((x: { label: string }) => ['PER', 'LOC'].includes(x.label)));
    const longDoc = events.find((e) => e.id === 'long-doc');
    assert.ok(longDoc.chunks > 1, `a text over the window is chunked (got ${longDoc.chunks})`);
    for (const x of longDoc.entities) if (x.start !== null) assert.equal(long.slice(x.start, x.end), x.text);

    // Order: outputs of each input partition sit in one output partition, in input offset order.
    const bySource = new Map<number, { outPartition: number; offsets: number[] }>();
    for (const r of out) {
      const e = json(r);
      const seen = bySource.get(e.source.partition) ?? { outPartition: r.partition, offsets: [] };
      assert.equal(r.partition, seen.outPartition, 'one output partition per input partition');
      seen.offsets.push(e.source.offset);
      bySource.set(e.source.partition, seen);
    }
    assert.equal(bySource.size, 3);
    for (const { offsets } of bySource.values()) assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));

    const base = `http://127.0.0.1:${processor.httpPort()}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['padellm_records_in_total', 'padellm_records_out_total', 'padellm_batch_records', 'padellm_decode_ms',
      'padellm_end_to_end_ms', 'padellm_consumer_lag', 'padellm_transaction_records', 'padellm_chunks_total']) {
      assert.match(metrics, new RegExp(`^${name}`, 'm'), name);
    }
    assert.match(metrics, new RegExp(`padellm_records_out_total\\{topic="${topics.output}"\\} ${messages.length}`));
  } finally {
    assert.equal(await processor.stop(), true);
  }
});

test('text in, json out: the value is the text; the id falls back to topic-partition-offset', async () => {
  const topics = topicsFor('text');
  await createTopics([topics.input]);
  const { processor } = await startInProcess(testConfig(topics, { inputFormat: 'text' }));
  try {
    await produce(topics.input, SENTENCES.slice(0, 3).map((value) => ({ value })));
    const events = (await readCommitted([topics.output], 3)).map(json);
    assert.deepEqual(events.map((e) => e.id).sort(), [0, 1, 2].map((o) => `${topics.input}-0-${o}`));
  } finally {
    await processor.stop();
  }
});

test('avro in, avro out: registry wire format both ways, output schema registered under <topic>-value', async () => {
  const topics = topicsFor('avro');
  await createTopics([topics.input]);
  const registry = new SchemaRegistry({ host: stack.registryUrl });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: TEXT_EVENT_SCHEMA }, { subject: `${topics.input}-value` });
  const { processor } = await startInProcess(testConfig(topics, { inputFormat: 'avro', outputFormat: 'avro' }));
  try {
    const events = [
      { id: 'a1', text: SENTENCES[1], labels: null, metadata: { source: 'unit-test' } },
      { id: null, text: SENTENCES[2], labels: ['ORG'], metadata: null },
    ];
    await produce(topics.input, await Promise.all(events.map(async (e, i) => ({ key: `k${i}`, value: await registry.encode(id, e) }))));
    const out = await readCommitted([topics.output], 2);
    assert.equal(out.length, 2);
    const decoded = await Promise.all(out.map((r) => registry.decode(r.message.value!)));
    decoded.sort((a, b) => a.source.offset - b.source.offset);
    assert.equal(decoded[0].id, 'a1');
    assert.deepEqual(decoded[0].metadata, { source: 'unit-test' });
    assert.equal(decoded[1].id, 'k1');
    assert.ok(decoded[1].entities.every((x: { label: string }) => x.label === 'ORG'));
    const outputId = await registry.getLatestSchemaId(`${topics.output}-value`);
    assert.equal(out[0].message.value!.readInt32BE(1), outputId);
  } finally {
    await processor.stop();
  }
});

test('max-inflight 2: partitions pause while the engine is full and resume; nothing is lost or reordered', async () => {
  const topics = topicsFor('pause');
  await createTopics([topics.input]);
  const { processor } = await startInProcess(testConfig(topics, { maxInflight: 2 }));
  try {
    await produce(topics.input, Array.from({ length: 40 }, (_, i) => ({ value: JSON.stringify({ id: `p${i}`, text: SENTENCES[i % 8] }) })));
    const out = await readCommitted([topics.output], 40);
    assert.deepEqual(out.map((r) => json(r).id), Array.from({ length: 40 }, (_, i) => `p${i}`));
    assert.ok((await processor.metrics.pauses.get()).values[0].value > 0, 'consumption paused at least once');
  } finally {
    await processor.stop();
  }
});

test('at-least-once delivery (no transactions): the same round trip, offsets committed after the records', async () => {
  const topics = topicsFor('alo');
  await createTopics([topics.input]);
  const config = testConfig(topics, { delivery: 'at-least-once' });
  const { processor } = await startInProcess(config);
  try {
    await produce(topics.input, SENTENCES.map((text, i) => ({ value: JSON.stringify({ id: `a${i}`, text }) })));
    const out = await readCommitted([topics.output], SENTENCES.length);
    assert.deepEqual(out.map((r) => json(r).id), SENTENCES.map((_, i) => `a${i}`));
  } finally {
    await processor.stop();
  }
  const admin = kafka().admin();
  await admin.connect();
  const [offsets] = await admin.fetchOffsets({ groupId: config.groupId, topics: [topics.input] });
  await admin.disconnect();
  assert.equal(offsets.partitions[0].offset, String(SENTENCES.length), 'consumed offsets committed');
});
