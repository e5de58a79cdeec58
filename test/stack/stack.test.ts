// The local stack (scripts/stack/start.sh) as the processor uses it, through the same client libraries:
// kafkajs 2.2.4 against Kafka 4.x (topics, transactions, read_committed, consumer groups, SASL) and
// @kafkajs/confluent-schema-registry against Apicurio's Confluent-compatible API.
// Needs the stack running: it fails, saying how to start it, when it is not.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { stackAddresses, type StackAddresses } from './addresses.js';

const TIMEOUT_MS = 60_000;

const made = new Set<string>();
const unique = (prefix: string): string => {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  made.add(name);
  return name;
};

function kafka(brokers: string[], extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'stack-test',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 3, initialRetryTime: 200 },
    ...extra,
  });
}

/** Consumes `topic` from the start with a fresh group until `count` values arrived. */
async function consumeValues(client: Kafka, topic: string, count: number, groupId = unique('stack-test-group')) {
  const consumer = client.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${values.length}/${count} records from ${topic}`)), 30_000);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

// Checked at load time so that a stack that is down fails this file once, with the message, rather than
// cancelling every test.
const stack: StackAddresses = stackAddresses();
const plain = kafka(stack.brokers);
const admin: Admin = plain.admin();
try {
  await admin.connect();
  await admin.listTopics();
} catch (error) {
  throw new Error(
    `local Kafka stack not reachable at ${stack.brokers.join(',')}: ${(error as Error).message}. ` +
      'Start it with `bash scripts/stack/start.sh` (logs under .stack/).',
    { cause: error },
  );
}

describe('local stack', { timeout: TIMEOUT_MS * 4 }, () => {
  after(async () => {
    // The topics made here go again, so repeated runs leave the stack as they found it.
    const topics = (await admin.listTopics()).filter((t) => made.has(t));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  test('a committed transaction is read under read_committed and an aborted one is not', { timeout: TIMEOUT_MS }, async () => {
    const topic = unique('stack-txn');
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }), true);
    const producer = plain.producer({ transactionalId: unique('stack-txn-id'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted' }] });
      await aborted.abort();
      const last = await producer.transaction();
      await last.send({ topic, messages: [{ value: 'c1' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }
    // The aborted record sits between the committed ones, so reading up to c1 proves it was skipped.
    assert.deepEqual(await consumeValues(plain, topic, 3), ['a1', 'a2', 'c1']);
  });

  test('consume-transform-produce commits the group offset inside the transaction', { timeout: TIMEOUT_MS }, async () => {
    const input = unique('stack-in');
    const output = unique('stack-out');
    const groupId = unique('stack-eos-group');
    await admin.createTopics({ topics: [{ topic: input }, { topic: output }], waitForLeaders: true });
    const seed = plain.producer();
    await seed.connect();
    await seed.send({ topic: input, messages: [{ value: 'x' }, { value: 'y' }] });
    await seed.disconnect();

    const consumer = plain.consumer({ groupId, maxWaitTimeInMs: 200 });
    const producer = plain.producer({ transactionalId: unique('stack-eos-id'), idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([consumer.connect(), producer.connect()]);
    try {
      await consumer.subscribe({ topic: input, fromBeginning: true });
      let copied = 0;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`copied ${copied}/2 records`)), 30_000);
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ topic, partition, message }) => {
              const transaction = await producer.transaction();
              await transaction.send({ topic: output, messages: [{ value: `${message.value}!` }] });
              await transaction.sendOffsets({
                consumerGroupId: groupId,
                topics: [{ topic, partitions: [{ partition, offset: (Number(message.offset) + 1).toString() }] }],
              });
              await transaction.commit();
              if (++copied === 2) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    assert.deepEqual(offsets.partitions, [{ partition: 0, offset: '2', metadata: null }]);
    assert.deepEqual(await consumeValues(plain, output, 2), ['x!', 'y!']);
  });

  for (const mechanism of ['scram-sha-256', 'scram-sha-512', 'plain'] as const) {
    test(`${mechanism} on the SASL listener accepts the stack user and refuses a wrong password`, { timeout: TIMEOUT_MS }, async () => {
      const sasl = (password: string) => ({ mechanism, username: stack.scramUsername, password }) as SASLOptions;
      const topic = unique(`stack-${mechanism}`);
      const client = kafka(stack.scramBrokers, { sasl: sasl(stack.scramPassword) });
      const producer = client.producer({ allowAutoTopicCreation: false });
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, messages: [{ value: mechanism }] });
      await producer.disconnect();
      assert.deepEqual(await consumeValues(client, topic, 1), [mechanism]);

      const intruder = kafka(stack.scramBrokers, { sasl: sasl('wrong'), retry: { retries: 0 } }).admin();
      await assert.rejects(intruder.connect(), { name: 'KafkaJSSASLAuthenticationError' });
    });
  }

  test('an Avro schema registers, fetches back by id and round-trips a record', { timeout: TIMEOUT_MS }, async () => {
    const registry = new SchemaRegistry({ host: stack.registryUrl });
    const subject = unique('stack-entity-value');
    const v1 = { type: 'record', name: 'Entity', namespace: 'padellm.test', fields: [{ name: 'text', type: 'string' }] };
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
    assert.equal(await registry.getLatestSchemaId(subject), id);

    const encoded = await registry.encode(id, { text: 'Ada Lovelace' });
    assert.equal(encoded[0], 0, 'Confluent wire format starts with magic byte 0');
    assert.equal(encoded.readInt32BE(1), id);
    // A second client has nothing cached, so decoding makes it fetch the schema by id from the registry.
    const reader = new SchemaRegistry({ host: stack.registryUrl });
    assert.deepEqual({ ...(await reader.decode(encoded)) }, { text: 'Ada Lovelace' });

    // BACKWARD: a new required field cannot read records written without it, so the registry refuses it.
    const breaking = { ...v1, fields: [...v1.fields, { name: 'score', type: 'double' }] };
    await assert.rejects(registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }), {
      status: 409,
      message: /Incompatible/,
    });
    const compatible = { ...v1, fields: [...v1.fields, { name: 'score', type: 'double', default: 0 }] };
    const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(compatible) }, { subject });
    assert.notEqual(id2, id);
    assert.equal(await registry.getLatestSchemaId(subject), id2);
  });
});
