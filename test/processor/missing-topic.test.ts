// A mistyped input topic is a configuration error at start: one clear line, no retrying forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/errors.js';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createProcessor } from '../../src/processor/service.js';
import { LogSink, testConfig, uniqueName } from './helpers.js';

test('an input topic that does not exist fails the start with a ConfigError', { timeout: 60_000 }, async () => {
  const topics = { input: uniqueName('no-such-in'), output: uniqueName('nt-out'), dlq: uniqueName('nt-dlq') };
  const logs = new LogSink();
  const processor = createProcessor(testConfig(topics), { createEngine, logger: createLogger('info', logs), metrics: createMetrics(false) });
  const started = performance.now();
  await assert.rejects(processor.start(), (e: unknown) => e instanceof ConfigError && /input topic no-such-in-\w+ does not exist/.test(e.message));
  assert.ok(performance.now() - started < 30_000, 'not retried');
  assert.equal(logs.lines.filter((l) => /retrying in/.test(String(l.msg))).length, 0);
});
