// The writer's ordering and offset rules, with a producer that fails on command: what commits after a failure.
// (The broker tests in test/processor/ cover the same rules against a real Kafka.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Producer } from 'kafkajs';
import { BatchPolicy } from '../../src/transport/batch-policy.js';
import { OutputWriter, WriterStoppedError, chunkRecords, nextOffsets, type OutputItem } from '../../src/transport/output-writer.js';
import { createLogger } from '../../src/observability/logger.js';

interface Committed { offsets: string[]; values: string[] }

/** A transactional producer double: records what each committed transaction held; fails the commits it is told to. */
function producerDouble(committed: Committed[], failNext: { count: number }, commitDelayMs = 30): Producer {
  return {
    transaction: async () => {
      const values: string[] = [];
      let offsets: string[] = [];
      return {
        sendBatch: async ({ topicMessages }: { topicMessages: { messages: { value: Buffer | string | null }[] }[] }) => {
          for (const t of topicMessages) for (const m of t.messages) values.push(String(m.value));
        },
        sendOffsets: async ({ topics }: { topics: { partitions: { partition: number; offset: string }[] }[] }) => {
          offsets = topics.flatMap((t) => t.partitions.map((p) => `${p.partition}@${p.offset}`));
        },
        commit: async () => {
          await new Promise((resolve) => setTimeout(resolve, commitDelayMs));
          if (failNext.count > 0) {
            failNext.count--;
            throw new Error('This is not the correct coordinator for this group');
          }
          committed.push({ offsets, values });
        },
        abort: async () => { throw new Error('transaction abort failed: broker down'); },
      };
    },
    disconnect: async () => undefined,
  } as unknown as Producer;
}

const item = (partition: number, offset: number): OutputItem => ({
  source: { topic: 'in', partition, offset: String(offset) },
  records: [{ topic: 'out', message: { value: `out-${partition}@${offset}` } }],
});

function writer(committed: Committed[], failNext: { count: number }, onFailure?: () => void) {
  return new OutputWriter({
    delivery: 'exactly-once', groupId: 'g', logger: createLogger('silent'),
    policy: new BatchPolicy({ maxRecords: 4, maxBytes: 1 << 20, maxDelayMs: 0 }),
    connectProducer: async () => producerDouble(committed, failNext),
    commitOffsets: async () => undefined,
    onFailure,
  });
}

test('a failed commit is never followed by a commit that skips it: queued outputs are refused too', async () => {
  const committed: Committed[] = [];
  const failNext = { count: 1 };
  let failures = 0;
  const w = writer(committed, failNext, () => { failures++; });
  await w.connect();
  // 408..411 go in the first transaction; 412..415 queue behind it while it is in flight, as in the outage report.
  const first = [408, 409, 410, 411].map((o) => w.append(item(0, o)));
  await new Promise((resolve) => setImmediate(resolve));
  const queued = [412, 413, 414, 415].map((o) => w.append(item(0, o)));
  const settled = await Promise.allSettled([...first, ...queued]);
  assert.deepEqual(settled.map((s) => s.status), Array(8).fill('rejected'), 'nothing resolves, so no offset moves');
  await w.flush();
  assert.equal(committed.length, 0, 'no later transaction committed 412-415 with offset 416');
  assert.equal(failures, 1);
  assert.equal(w.stopped(), true);
  await assert.rejects(w.append(item(0, 416)), WriterStoppedError, 'appends wait for the rewind');

  // After the owner rewound, the same records come again, in order, and commit.
  await w.reset();
  assert.equal(w.stopped(), false);
  await Promise.all([408, 409, 410, 411, 412].map((o) => w.append(item(0, o))));
  await w.flush();
  assert.deepEqual(committed.flatMap((c) => c.values), [408, 409, 410, 411, 412].map((o) => `out-0@${o}`));
  assert.deepEqual(committed.at(-1)!.offsets, ['0@413']);
  await w.close();
});

test('outputs of a partition commit in append order with the highest offset + 1 per partition', async () => {
  const committed: Committed[] = [];
  const w = writer(committed, { count: 0 });
  await Promise.all([item(0, 5), item(1, 7), item(0, 6), item(1, 8), item(0, 9)].map((i) => w.append(i)));
  await w.flush();
  const values = committed.flatMap((c) => c.values);
  assert.deepEqual(values.filter((v) => v.startsWith('out-0')), ['out-0@5', 'out-0@6', 'out-0@9']);
  assert.deepEqual(committed.flatMap((c) => c.offsets).filter((o) => o.startsWith('0@')).at(-1), '0@10');
  await w.close();
});

test('nextOffsets and chunkRecords', () => {
  assert.deepEqual(nextOffsets([{ topic: 't', partition: 0, offset: '18446744073709551614' }, { topic: 't', partition: 0, offset: '3' }]),
    [{ topic: 't', partitions: [{ partition: 0, offset: '18446744073709551615' }] }], 'offsets are 64-bit, not doubles');
  const big = (n: number) => ({ topic: 'o', message: { value: Buffer.alloc(n) } });
  const chunks = chunkRecords([big(600), big(600), big(100), big(900)], 1000);
  assert.deepEqual(chunks.map((c) => c.length), [1, 2, 1], 'each produce call stays under the limit');
});
