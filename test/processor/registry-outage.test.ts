// The schema registry down at start, and again mid-run: the processor says so clearly, keeps retrying, and
// recovers on its own; no record is dead-lettered for the registry's outage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TEXT_EVENT_SCHEMA } from '../../src/serde/registry.js';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createProcessor } from '../../src/processor/service.js';
import {
  Gate, LogSink, SENTENCES, createTopics, freePort, produce, readCommitted, stack, testConfig, uniqueName, waitFor,
} from './helpers.js';

test('registry down at start: clear error, retries, then recovery without a restart; down mid-run: no dead letters', { timeout: 120_000 }, async () => {
  const target = new URL(stack.registryUrl);
  const gate = new Gate(await freePort(), target.hostname, Number(target.port));
  const gatedUrl = `http://127.0.0.1:${gate.port}${target.pathname}`;
  const topics = { input: uniqueName('reg-in'), output: uniqueName('reg-out'), dlq: uniqueName('reg-dlq') };
  await createTopics([topics.input]);
  const config = testConfig(topics, { inputFormat: 'avro', outputFormat: 'avro', registryUrl: gatedUrl });
  const logs = new LogSink();
  const processor = createProcessor(config, { createEngine, logger: createLogger('info', logs), metrics: createMetrics(false) });
  const starting = processor.start();
  try {
    await waitFor(() => logs.has(/schema registry at .* failed: schema registry at .* is unavailable.*retrying in \d+ ms/), 30_000,
      'a clear log line about the unreachable registry');
    assert.equal(processor.ready(), false, 'not ready while the output schema cannot be registered');

    await gate.open();
    await starting;
    await waitFor(() => processor.ready(), 30_000, 'readiness after the registry came back');
    assert.ok(logs.has(/succeeded after \d+ tries/));

    // Mid-run: a record whose writer schema the processor has not seen needs the registry, which is down again.
    const registry = new SchemaRegistry({ host: stack.registryUrl });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: TEXT_EVENT_SCHEMA }, { subject: `${topics.input}-value` });
    await gate.close();
    await produce(topics.input, [{ key: 'mid-run', value: await registry.encode(id, { id: 'mid', text: SENTENCES[4], labels: null, metadata: null }) }]);
    await waitFor(() => logs.has(/decode Avro record .* failed: schema registry at .* is unavailable/), 30_000, 'the mid-run outage in the logs');
    await gate.open();

    const out = await readCommitted([topics.output, topics.dlq], 1, 60_000);
    assert.deepEqual(out.map((r) => r.topic), [topics.output], 'processed after recovery, not dead-lettered');
    assert.equal((await registry.decode(out[0].message.value!)).id, 'mid');
  } finally {
    await processor.stop();
    await gate.close();
  }
});
