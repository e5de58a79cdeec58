// values.schema.json and the chart's fail checks refuse bad values before anything reaches a cluster.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderFailure } from './helm.js';

const WRONG_TYPES: Array<[string, string]> = [
  ['replicaCount=two', 'replicaCount'],
  ['httpPort=http', 'httpPort'],
  ['gpu.enabled=yes', 'enabled'],
  ['gpu.count=0', 'count'],
  ['kafka.brokers=kafka:9092', 'brokers'],
  ['kafka.delivery=exactly-twice', 'delivery'],
  ['kafka.inputTopicPartitions=0', 'inputTopicPartitions'],
  ['kafka.sasl.mechanism=gssapi', 'mechanism'],
  ['model.variant=fp16', 'variant'],
  ['inference.maxInflight=lots', 'maxInflight'],
  ['shutdown.timeoutMs=25s', 'timeoutMs'],
  ['autoscaling.keda.maxReplicaCount=-1', 'maxReplicaCount'],
];

for (const [set, field] of WRONG_TYPES) {
  test(`the schema rejects ${set}`, () => {
    const error = renderFailure([], [set]);
    assert.match(error, /values don't meet the specifications of the schema/);
    assert.match(error, new RegExp(field));
  });
}

test('the schema rejects unknown top-level keys', () => {
  const error = renderFailure([], ['replicas=3']);
  assert.match(error, /additional propert/i);
  assert.match(error, /replicas/);
});

test('the schema rejects inline credentials', () => {
  assert.match(renderFailure([], ['kafka.sasl.password=hunter2']), /additional propert/i);
});

test('SASL without a Secret is refused', () => {
  assert.match(renderFailure([], ['kafka.sasl.mechanism=plain']), /kafka\.sasl\.existingSecret/);
});

test('avro without a registry is refused', () => {
  assert.match(renderFailure([], ['kafka.outputFormat=avro']), /schemaRegistry\.url/);
});

test('a PVC model source without a claim is refused', () => {
  assert.match(renderFailure([], ['model.source=pvc']), /claimName/);
});

test('a client certificate without its key is refused', () => {
  assert.match(renderFailure(['external-model-values.yaml'], ['kafka.tls.keyKey=']), /certKey and kafka\.tls\.keyKey/);
});
