// TLS against the stack's SSL listener, which requires a client certificate from its own CA: with the CA, the
// certificate and the key the processor works end to end; without them it says why, keeps retrying and never
// reports ready.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createProcessor } from '../../src/processor/service.js';
import { LogSink, SENTENCES, createTopics, json, produce, readCommitted, stack, startInProcess, testConfig, uniqueName, waitFor } from './helpers.js';

const topicsFor = (name: string) => ({ input: uniqueName(`${name}-in`), output: uniqueName(`${name}-out`), dlq: uniqueName(`${name}-dlq`) });
const tlsBase = { brokers: stack.tlsBrokers.join(','), tls: true };

test('mutual TLS: exactly-once round trip through the SSL listener', async () => {
  const topics = topicsFor('tls');
  await createTopics([topics.input]);
  const { processor } = await startInProcess(testConfig(topics, {
    ...tlsBase, tlsCaFile: stack.tlsCaFile, tlsCertFile: stack.tlsCertFile, tlsKeyFile: stack.tlsKeyFile,
  }));
  try {
    await produce(topics.input, [{ key: 'tls', value: JSON.stringify({ id: 'via-tls', text: SENTENCES[3] }) }]);
    const out = await readCommitted([topics.output], 1);
    assert.deepEqual(out.map((r) => json(r).id), ['via-tls']);
  } finally {
    await processor.stop();
  }
});

// kafkajs logs each failed handshake with the TLS reason (the broker's "bad certificate" alert for a missing client
// certificate) long before its retries run out and the processor's own backoff reports the failed step.
for (const [what, extra, reason] of [
  ['a broker certificate from an unknown CA', { tlsCertFile: stack.tlsCertFile, tlsKeyFile: stack.tlsKeyFile }, /unable to verify the first certificate/],
  ['no client certificate', { tlsCaFile: stack.tlsCaFile }, /bad certificate/],
] as const) {
  test(`TLS with ${what}: a clear connection error, retried, never ready`, { timeout: 60_000 }, async () => {
    const logs = new LogSink();
    const config = testConfig(topicsFor('tls-bad'), { ...tlsBase, ...extra });
    const processor = createProcessor(config, { createEngine, logger: createLogger('info', logs), metrics: createMetrics(false) });
    const starting = processor.start();
    try {
      await waitFor(() => logs.has(new RegExp(`^Connection error: .*${reason.source}`)), 30_000, `${reason} in the logs`);
      assert.equal(processor.ready(), false);
    } finally {
      await processor.stop();
      await starting;
    }
  });
}
