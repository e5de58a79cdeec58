// Scaling out and back in mid-stream: a second instance joins the group (rebalance), then the first leaves; each
// batch commits before its instance rejoins, so under read_committed every input still has exactly one output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { SENTENCES, createTopics, json, kafka, readCommitted, startInProcess, testConfig, uniqueName, waitFor } from './helpers.js';

test('a second instance joins and the first leaves while records flow: exactly once', { timeout: 180_000 }, async () => {
  const topics = { input: uniqueName('scale-in'), output: uniqueName('scale-out'), dlq: uniqueName('scale-dlq') };
  await createTopics([topics.input], 4);
  const groupId = uniqueName('scale-group');
  const first = await startInProcess(testConfig(topics, { groupId, transactionalId: uniqueName('scale-a') }));
  await waitFor(() => first.processor.ready(), 30_000, 'the first instance');

  const total = 240;
  let produced = 0;
  const producing = (async () => {
    const producer = kafka().producer();
    await producer.connect();
    for (; produced < total; produced += 8) {
      await producer.send({ topic: topics.input, acks: -1, messages: Array.from({ length: 8 }, (_, j) => ({
        key: `k${produced + j}`, value: JSON.stringify({ id: `s-${produced + j}`, text: SENTENCES[(produced + j) % SENTENCES.length] }),
      })) });
      await sleep(80);
    }
    await producer.disconnect();
  })();

  await waitFor(() => produced >= 64, 30_000, 'records flowing');
  const second = await startInProcess(testConfig(topics, { groupId, transactionalId: uniqueName('scale-b') }));
  await waitFor(() => produced >= 160, 60_000, 'more records');
  assert.equal(await first.processor.stop(), true, 'the first instance leaves in time');
  await producing;
  try {
    const out = await readCommitted([topics.output], total, 120_000);
    const ids = out.map((r) => json(r).id);
    assert.equal(new Set(ids).size, ids.length, 'nothing twice');
    assert.equal(ids.length, total, 'nothing missing');
    const bySecond = (await second.processor.metrics.recordsOut.get()).values.reduce((n, v) => n + v.value, 0);
    assert.ok(bySecond > 0 && bySecond < total, `both instances did part of the work (second: ${bySecond})`);
  } finally {
    await second.processor.stop();
  }
});
