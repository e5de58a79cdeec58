// Exactly-once read-process-write: `padellm run` is killed with SIGKILL twice while records stream in, then
// restarted; under read_committed every input has exactly one output, none twice, none missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SENTENCES, createTopics, freePort, json, kafka, produce, readCommitted, spawnRun, stack, uniqueName, waitFor, MODEL_DIR,
} from './helpers.js';

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
  } catch {
    return false;
  }
}

test('SIGKILL twice mid-stream, restart: every input exactly once under read_committed', { timeout: 240_000 }, async (t) => {
  const input = uniqueName('eos-in');
  const output = uniqueName('eos-out');
  const dlq = uniqueName('eos-dlq');
  await createTopics([input], 2);
  const port = await freePort();
  const args = ['--brokers', stack.brokers.join(','), '--input-topic', input, '--output-topic', output, '--dlq-topic', dlq,
    '--group-id', uniqueName('eos-group'), '--transactional-id', uniqueName('eos-txn'), '--model-dir', MODEL_DIR,
    '--http-port', String(port), '--commit-interval-ms', '50', '--log-level', 'debug'];

  // Records flow only while an instance is up, so each kill lands mid-stream, with a transaction likely open.
  const total = 240;
  let flowing = false;
  const producing = (async () => {
    const producer = kafka().producer();
    await producer.connect();
    for (let produced = 0; produced < total;) {
      if (!flowing) { await sleep(50); continue; }
      await producer.send({ topic: input, acks: -1, messages: Array.from({ length: 8 }, (_, j) => ({
        key: `k${(produced + j) % 7}`, value: JSON.stringify({ id: `in-${produced + j}`, text: SENTENCES[(produced + j) % SENTENCES.length] }),
      })) });
      produced += 8;
      await sleep(100);
    }
    await producer.disconnect();
  })();

  for (let kill = 0; kill < 2; kill++) {
    const run = spawnRun(args);
    await waitFor(() => ready(port), 60_000, 'padellm run to be ready');
    flowing = true;
    await sleep(1500);
    // Kill inside a transaction: its records are written, its commit not yet.
    await run.nextLine('outputs written; committing');
    run.child.kill('SIGKILL');
    flowing = false;
    await run.exited;
  }
  const last = spawnRun(args);
  await waitFor(() => ready(port), 60_000, 'padellm run to be ready after two kills');
  flowing = true;
  await producing;
  const committed = await readCommitted([output], total, 120_000);
  last.child.kill('SIGTERM');
  assert.equal(await last.exited, 0, `clean exit after SIGTERM; logs:\n${last.logs.slice(-20).join('\n')}`);

  const written = await readCommitted([output], Number.MAX_SAFE_INTEGER, 3000, 0, true);
  t.diagnostic(`outputs written ${written.length} (aborted ones included), committed ${committed.length}`);
  assert.ok(written.length > committed.length, 'a kill landed inside a transaction, whose records were then aborted');
  const counts = new Map<string, number>();
  for (const r of committed) counts.set(json(r).id, (counts.get(json(r).id) ?? 0) + 1);
  const missing = Array.from({ length: total }, (_, i) => `in-${i}`).filter((id) => !counts.has(id));
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  assert.deepEqual(missing, [], 'no input lost');
  assert.deepEqual(twice, [], 'no input answered twice');
  assert.equal(committed.length, total);
});
