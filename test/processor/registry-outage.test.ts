// The schema registry down at start, and again mid-run: the processor says so clearly, keeps retrying, and
// recovers on its own; no record is dead-lettered for the registry's outage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { TEXT_EVENT_SCHEMA } from '../../src/serde/registry.js';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createProcessor } from '../../src/processor/service.js';
import { LogSink, SENTENCES, createTopics, produce, readCommitted, stack, testConfig, uniqueName, waitFor } from './helpers.js';

/** A TCP path to the real registry that the test can cut and restore. */
class Gate {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly target: URL) {}
  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(Number(this.target.port), this.target.hostname);
      for (const s of [client, upstream]) { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); s.on('error', () => s.destroy()); }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
    this.server = undefined;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('registry down at start: clear error, retries, then recovery without a restart; down mid-run: no dead letters', { timeout: 120_000 }, async () => {
  const target = new URL(stack.registryUrl);
  const gate = new Gate(await freePort(), target);
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
