// `padellm run` as users start it: help, settings errors, and a graceful stop on SIGTERM that leaves the group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS } from '../../src/config/settings.js';
import { SENTENCES, createTopics, json, kafka, produce, readCommitted, spawnRun, stack, uniqueName, MODEL_DIR } from '../processor/helpers.js';

test('--help lists every setting with its environment variable', async () => {
  const run = spawnRun(['--help']);
  assert.equal(await run.exited, 0);
  const help = run.logs.join('\n').replace(/\s+/g, ' ');
  for (const s of SETTINGS) {
    assert.ok(help.includes(s.flag.split(' ')[0]), s.flag);
    assert.ok(help.includes(s.env), s.env);
  }
});

test('invalid settings exit 2 with a message naming the flag and the variable', async () => {
  const run = spawnRun(['--input-format', 'xml', '--max-inflight', '0']);
  assert.equal(await run.exited, 2);
  const text = run.logs.join('\n');
  assert.match(text, /--input-format \(PADELLM_INPUT_FORMAT\) must be one of json, avro, text/);
  assert.match(text, /--max-inflight \(PADELLM_MAX_INFLIGHT\) must be >= 1/);
});

test('SIGTERM: finishes the open work, leaves the group, exits 0 in time', { timeout: 90_000 }, async () => {
  const input = uniqueName('term-in');
  const output = uniqueName('term-out');
  const group = uniqueName('term-group');
  await createTopics([input]);
  const run = spawnRun(['--brokers', stack.brokers.join(','), '--input-topic', input, '--output-topic', output,
    '--dlq-topic', uniqueName('term-dlq'), '--group-id', group, '--transactional-id', uniqueName('term-txn'),
    '--model-dir', MODEL_DIR, '--http-port', '0', '--shutdown-timeout-ms', '20000']);
  await run.nextLine('joined consumer group');
  await produce(input, SENTENCES.map((text, i) => ({ value: JSON.stringify({ id: `t${i}`, text }) })));
  const first = await readCommitted([output], 1);
  assert.ok(first.length >= 1);
  const sentAt = Date.now();
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.logs.slice(-10).join('\n'));
  assert.ok(Date.now() - sentAt < 20_000, 'within the shutdown timeout');
  assert.ok(run.logs.some((l) => l.includes('"msg":"stopped"')));

  const admin = kafka().admin();
  await admin.connect();
  const { groups } = await admin.describeGroups([group]);
  await admin.disconnect();
  assert.equal(groups[0].members.length, 0, 'left the group instead of waiting out the session timeout');

  // Whatever it had taken up is either committed or consumed again by the next start: nothing lost.
  const next = spawnRun(['--brokers', stack.brokers.join(','), '--input-topic', input, '--output-topic', output,
    '--dlq-topic', uniqueName('term-dlq'), '--group-id', group, '--transactional-id', uniqueName('term-txn'),
    '--model-dir', MODEL_DIR, '--http-port', '0']);
  const all = await readCommitted([output], SENTENCES.length);
  next.child.kill('SIGTERM');
  await next.exited;
  assert.deepEqual(all.map((r) => json(r).id).sort(), SENTENCES.map((_, i) => `t${i}`).sort());
});
