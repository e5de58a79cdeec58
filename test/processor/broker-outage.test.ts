// Kafka unreachable at start: the processor logs it clearly, retries with backoff and starts consuming once the
// broker answers, without a restart. (The bootstrap address goes through a gate the test opens late.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createProcessor } from '../../src/processor/service.js';
import {
  Gate, LogSink, SENTENCES, createTopics, freePort, json, produce, readCommitted, stack, testConfig, uniqueName, waitFor,
} from './helpers.js';

test('broker unreachable at start: clear logs, retries, consumes once it answers', { timeout: 90_000 }, async () => {
  const [host, port] = stack.brokers[0].split(':');
  const gate = new Gate(await freePort(), host, Number(port));
  const topics = { input: uniqueName('broker-in'), output: uniqueName('broker-out'), dlq: uniqueName('broker-dlq') };
  await createTopics([topics.input]);
  const logs = new LogSink();
  const config = testConfig(topics, { brokers: `127.0.0.1:${gate.port}` });
  const processor = createProcessor(config, { createEngine, logger: createLogger('info', logs), metrics: createMetrics(false) });
  const starting = processor.start();
  try {
    await waitFor(() => logs.has(new RegExp(`check topics on Kafka at 127.0.0.1:${gate.port} failed: .*retrying in \\d+ ms`)), 60_000,
      'a clear log line about the unreachable broker');
    assert.equal(processor.ready(), false);
    await gate.open();
    await starting;
    await waitFor(() => processor.ready(), 30_000, 'readiness once the broker answers');
    await produce(topics.input, [{ value: JSON.stringify({ id: 'after-outage', text: SENTENCES[6] }) }]);
    assert.deepEqual((await readCommitted([topics.output], 1)).map((r) => json(r).id), ['after-outage']);
  } finally {
    await processor.stop();
    await gate.close();
  }
});
