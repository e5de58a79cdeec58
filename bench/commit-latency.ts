// `node dist/bench/commit-latency.js [--messages 600] [--rounds 2]`: the transactional producer's retry policy before
// (kafkajs' client default as the processor used it: 300 ms initial backoff, 8 retries) and after (PRODUCER_RETRY),
// side by side in one run on the local stack, from the processor's own metrics: commit latency per transaction,
// records per transaction, and how often kafkajs logged the CONCURRENT_TRANSACTIONS retry.
import { parseArgs } from 'node:util';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEngine } from '../src/engine/index.js';
import { createLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { createProcessor } from '../src/processor/service.js';
import { PRODUCER_RETRY } from '../src/transport/producer.js';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { loadConfig } from '../src/config/config.js';
import { stackAddresses } from '../test/stack/addresses.js';

const stack = stackAddresses();
const kafka = new Kafka({ clientId: 'padellm-bench', brokers: stack.brokers, logLevel: logLevel.NOTHING });
const uniqueName = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
const SMALL_MODEL = new URL('../../models/padellm-conll03-small', import.meta.url).pathname;
const SENTENCES = ['Ingrid Haugen opened a bakery in Tromsdal last winter.', 'Delmont Aerospace moved from Leeds to Glasgow.',
  'Farid Haddad and Lena Sorensen sailed from Malta to Crete.', 'Analysts at Grayfield Capital expect the deal to close.'];

async function admin<T>(fn: (a: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const a = kafka.admin();
  await a.connect();
  try { return await fn(a); } finally { await a.disconnect(); }
}
async function produce(topic: string, msgs: Message[]) {
  const p = kafka.producer();
  await p.connect();
  await p.send({ topic, messages: msgs, acks: -1 });
  await p.disconnect();
}

const { values: opts } = parseArgs({ options: { messages: { type: 'string', default: '600' }, rounds: { type: 'string', default: '2' } } });
const messages = Number(opts.messages);
const policies = { before: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 }, after: PRODUCER_RETRY };

async function once(name: keyof typeof policies) {
  const topics = { input: uniqueName('lat-in'), output: uniqueName('lat-out'), dlq: uniqueName('lat-dlq') };
  await admin((a) => a.createTopics({ waitForLeaders: true, topics: [{ topic: topics.input, numPartitions: 2 }] }));
  let concurrent = 0;
  const sink = new Writable({ write(chunk, _e, next) { concurrent += (chunk.toString().match(/another concurrent operation|CONCURRENT_TRANSACTIONS/g) ?? []).length; next(); } });
  const metrics = createMetrics(false);
  const config = loadConfig({ brokers: stack.brokers.join(','), inputTopic: topics.input, outputTopic: topics.output,
    dlqTopic: topics.dlq, groupId: uniqueName('lat-group'), transactionalId: uniqueName('lat-txn'), httpPort: 0,
    modelDir: SMALL_MODEL, logLevel: 'debug' });
  const processor = createProcessor(config, {
    createEngine, logger: createLogger('debug', sink), metrics, producerRetry: policies[name],
  });
  await processor.start();
  const started = performance.now();
  await produce(topics.input, Array.from({ length: messages }, (_, i) => ({ value: JSON.stringify({ id: `m${i}`, text: SENTENCES[i % SENTENCES.length] }) })));
  const out = async () => (await metrics.recordsOut.get()).values.reduce((n, v) => n + v.value, 0);
  while (await out() < messages) await sleep(100);
  const seconds = (performance.now() - started) / 1000;
  const commit = (await metrics.commitMs.get()).values;
  const sum = commit.find((v) => v.metricName === 'padellm_commit_ms_sum')!.value;
  const count = commit.find((v) => v.metricName === 'padellm_commit_ms_count')!.value;
  const p50 = quantile(commit, count * 0.5);
  await processor.stop();
  await admin(async (a) => a.deleteTopics({ topics: (await a.listTopics()).filter((t) => Object.values(topics).includes(t)) }));
  return { policy: name, transactions: count, records_per_transaction: +(messages / count).toFixed(1),
    commit_ms_mean: +(sum / count).toFixed(1), commit_ms_p50_bucket: p50, concurrent_retries_logged: concurrent,
    throughput_msg_s: +(messages / seconds).toFixed(1) };
}

/** The upper bound of the histogram bucket holding the q-th observation. */
function quantile(values: { metricName?: string; labels: Record<string, unknown>; value: number }[], q: number) {
  const buckets = values.filter((v) => v.metricName === 'padellm_commit_ms_bucket').sort((a, b) => a.value - b.value);
  return buckets.find((b) => b.value >= q)?.labels.le;
}

const results = [];
for (let r = 0; r < Number(opts.rounds); r++) for (const name of ['before', 'after'] as const) results.push(await once(name));
console.log(JSON.stringify({ messages, results }, null, 2));
process.exit(0);
