// SASL/SCRAM against the stack's SCRAM listener: the right credentials work end to end, wrong ones are reported
// clearly (and never logged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createProcessor } from '../../src/processor/service.js';
import { LogSink, SENTENCES, createTopics, json, produce, readCommitted, stack, startInProcess, testConfig, uniqueName, waitFor } from './helpers.js';

const topicsFor = (name: string) => ({ input: uniqueName(`${name}-in`), output: uniqueName(`${name}-out`), dlq: uniqueName(`${name}-dlq`) });

for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
  test(`${mechanism}: exactly-once round trip through the SCRAM listener`, async () => {
    const topics = topicsFor(mechanism);
    await createTopics([topics.input]);
    const { processor, logs } = await startInProcess(testConfig(topics, {
      brokers: stack.scramBrokers.join(','), saslMechanism: mechanism, saslUsername: stack.scramUsername, saslPassword: stack.scramPassword,
    }));
    try {
      await produce(topics.input, [{ key: 'scram', value: JSON.stringify({ id: 'via-scram', text: SENTENCES[5] }) }]);
      const out = await readCommitted([topics.output], 1);
      assert.deepEqual(out.map((r) => json(r).id), ['via-scram']);
      assert.ok(!JSON.stringify(logs.lines).includes(stack.scramPassword), 'the password is never logged');
    } finally {
      await processor.stop();
    }
  });
}

test('wrong SCRAM password: a clear authentication error, retried, never ready, password not logged', { timeout: 60_000 }, async () => {
  const topics = topicsFor('scram-bad');
  const config = testConfig(topics, {
    brokers: stack.scramBrokers.join(','), saslMechanism: 'scram-sha-256', saslUsername: stack.scramUsername, saslPassword: 'not-the-password',
  });
  const logs = new LogSink();
  const processor = createProcessor(config, { createEngine, logger: createLogger('info', logs), metrics: createMetrics(false) });
  const starting = processor.start();
  try {
    await waitFor(() => logs.has(/check topics on Kafka at .* failed: .*(SASL|[Aa]uthentication)/), 30_000, 'an authentication error in the logs');
    assert.equal(processor.ready(), false);
    assert.ok(!JSON.stringify(logs.lines).includes('not-the-password'));
  } finally {
    await processor.stop();
    await starting;
  }
});
