// One record's life without a broker: bytes in, an entity event or a dead letter out (the real fixture engine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { processRecord, type RecordContext } from '../../src/processor/record.js';
import { DLQ_HEADERS } from '../../src/processor/dead-letter.js';
import type { InputRecord } from '../../src/types/record.js';
import { FIXTURES } from '../helpers/fixtures.js';

const record = (value: string | null, offset = '5'): InputRecord => ({
  source: { topic: 'in', partition: 3, offset }, key: Buffer.from('k1'), value: value === null ? null : Buffer.from(value),
  headers: { trace: 'abc' }, timestamp: String(Date.now()), takenAt: performance.now(),
});

test('good input becomes an entity event; bad input a dead letter with its code', async () => {
  const engine = await createEngine({ modelDir: FIXTURES[0], intraOpThreads: 1 });
  const ctx: RecordContext = {
    engine, inputFormat: 'json', outputFormat: 'json', outputTopic: 'out', dlqTopic: 'dlq', outputPartitions: 2,
    maxTextChars: 1000, recordLimits: new Map([['out', 1_000_000], ['dlq', 1_000_000]]),
    logger: createLogger('silent'), metrics: createMetrics(false), signal: new AbortController().signal,
  };
  try {
    const ok = await processRecord(ctx, record('{"id": "d1", "text": "Ines Moreau flew to Lyon."}'));
    assert.deepEqual(ok.source, { topic: 'in', partition: 3, offset: '5' });
    assert.equal(ok.records.length, 1);
    assert.equal(ok.records[0].topic, 'out');
    assert.equal(ok.records[0].message.partition, 1, 'input partition 3 -> output partition 3 mod 2');
    const event = JSON.parse(String(ok.records[0].message.value));
    assert.equal(event.id, 'd1');
    assert.deepEqual(event.source, { topic: 'in', partition: 3, offset: 5 });
    assert.equal(event.chunks, 1);

    for (const [value, code] of [['{"text": ', 'PADELLM_BAD_JSON'], [null, 'PADELLM_EMPTY_TEXT'],
      ['{"text": "Oslo", "labels": ["DATE"]}', 'PADELLM_UNKNOWN_LABEL']] as const) {
      const out = await processRecord(ctx, record(value, '9'));
      assert.equal(out.records[0].topic, 'dlq');
      const headers = out.records[0].message.headers!;
      assert.equal(String(headers[DLQ_HEADERS.code]), code);
      assert.equal(String(headers[DLQ_HEADERS.offset]), '9');
      assert.equal(String(headers.trace), 'abc', 'the original headers stay');
    }

    const tooBig = { ...ctx, recordLimits: new Map([['out', 50], ['dlq', 1_000_000]]) };
    const dead = await processRecord(tooBig, record('{"text": "Ines Moreau flew to Lyon."}'));
    assert.equal(String(dead.records[0].message.headers![DLQ_HEADERS.code]), 'PADELLM_OUTPUT_TOO_LARGE');
  } finally {
    await engine.close();
  }
});
