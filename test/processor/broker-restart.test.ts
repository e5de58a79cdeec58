// The broker goes down mid-stream three times, for 30 s each, while transactions are in flight and more records are
// queued behind them; under read_committed every input comes out exactly once, and /readyz said "not ready" while
// no broker could be reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ROOT, SENTENCES, createTopics, json, produce, readCommitted, startInProcess, testConfig, uniqueName, waitFor,
} from './helpers.js';

const kafkaScript = (verb: 'start' | 'stop') =>
  execFileSync('bash', [join(ROOT, 'scripts', 'stack', 'kafka.sh'), verb], { stdio: 'ignore', timeout: 180_000 });

const readyz = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
};

test('three 30 s broker outages mid-stream: every input exactly once under read_committed', { timeout: 420_000 }, async (t) => {
  const topics = { input: uniqueName('outage-in'), output: uniqueName('outage-out'), dlq: uniqueName('outage-dlq') };
  await createTopics([topics.input], 2);
  // Small transactions (a 20 ms commit interval, at most 8 records) so that several are queued behind the one in
  // flight when the broker goes.
  const { processor } = await startInProcess(testConfig(topics, { commitMaxRecords: 8, maxInflight: 16 }));
  const wave = 300;
  let produced = 0;
  try {
    for (let outage = 0; outage < 3; outage++) {
      await produce(topics.input, Array.from({ length: wave }, (_, i) => ({
        key: `k${(produced + i) % 5}`, value: JSON.stringify({ id: `in-${produced + i}`, text: SENTENCES[(produced + i) % SENTENCES.length] }),
      })));
      produced += wave;
      const before = (await processor.metrics.recordsOut.get()).values.reduce((n, v) => n + v.value, 0);
      await waitFor(async () => (await processor.metrics.recordsOut.get()).values.reduce((n, v) => n + v.value, 0) >= before + 8,
        60_000, 'the wave to be under way');
      kafkaScript('stop');
      // /readyz is sampled every second; from 17 s on (the 15 s silence rule, plus slack) it must say not ready.
      const down = performance.now();
      const samples: { s: number; status: number }[] = [];
      while (performance.now() - down < 30_000) {
        samples.push({ s: (performance.now() - down) / 1000, status: await readyz(processor.httpPort()) });
        await sleep(1000);
      }
      const late = samples.filter((x) => x.s >= 17);
      t.diagnostic(`outage ${outage + 1}: /readyz ${samples.map((x) => x.status).join(' ')}`);
      assert.ok(late.length > 0 && late.every((x) => x.status === 503), '/readyz says not ready while no broker answers');
      kafkaScript('start');
      await waitFor(async () => (await readyz(processor.httpPort())) === 200, 120_000, 'ready again after the broker returned');
    }
    const committed = await readCommitted([topics.output], produced, 180_000);
    const counts = new Map<string, number>();
    for (const r of committed) counts.set(json(r).id, (counts.get(json(r).id) ?? 0) + 1);
    const missing = Array.from({ length: produced }, (_, i) => `in-${i}`).filter((id) => !counts.has(id));
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    const rewinds = (await processor.metrics.rewinds.get()).values[0]?.value ?? 0;
    t.diagnostic(`inputs ${produced}, outputs ${committed.length}, rewinds ${rewinds}`);
    assert.deepEqual(missing, [], 'no input lost');
    assert.deepEqual(twice, [], 'no input answered twice');
  } finally {
    kafkaScript('start');
    await processor.stop();
  }
});
