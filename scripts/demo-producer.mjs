#!/usr/bin/env node
// The demo's client side: creates the demo topics, produces sentences written for this demo as JSON text events,
// then prints each entity event as it arrives (read_committed) until every sentence has one or time runs out.
// Usage: node scripts/demo-producer.mjs <brokers> <input-topic> <output-topic> <dlq-topic> [create-only]
import { Kafka, logLevel } from 'kafkajs';

const [brokers = '127.0.0.1:9092', input = 'padellm-text', output = 'padellm-entities', dlq = 'padellm-dlq', mode] = process.argv.slice(2);

const SENTENCES = [
  'Ingrid Haugen opened a bakery in Tromsdal last winter.',
  'Akosua Boateng presented her findings at the Accra Energy Summit in Ghana.',
  'Delmont Aerospace moved its headquarters from Leeds to Glasgow.',
  'The Westbrook Philharmonic will tour Chile and Argentina in June.',
  'Farid Haddad and Lena Sorensen sailed from Malta to Crete.',
  'Analysts at Grayfield Capital expect the Lumina Bank deal to close soon.',
  'Coach Marco Bellini said Juventus would sign a Brazilian striker.',
  'The European Union fined Orbital Software for breaking German privacy rules.',
];

const kafka = new Kafka({ clientId: 'padellm-demo', brokers: brokers.split(','), logLevel: logLevel.NOTHING });

const admin = kafka.admin();
await admin.connect();
const existing = new Set(await admin.listTopics());
const missing = [input, output, dlq].filter((t) => !existing.has(t));
if (missing.length) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 2 })) });
await admin.disconnect();
if (mode === 'create-only') process.exit(0);

const consumer = kafka.consumer({ groupId: `padellm-demo-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topics: [output, dlq], fromBeginning: false });
const runId = Date.now().toString(36);
const pending = new Set(SENTENCES.map((_, i) => `demo-${runId}-${i}`));
// The consumer starts at the log end, so produce only once it has its partitions.
const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
let finish;
const finished = new Promise((resolve) => { finish = resolve; });
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    if (topic === dlq) {
      console.log(`dead letter: ${message.headers?.['__padellm.errors.code']} ${message.headers?.['__connect.errors.exception.message']}`);
      return;
    }
    const event = JSON.parse(message.value.toString());
    if (!pending.delete(event.id)) return;
    const sentence = SENTENCES[Number(event.id.split('-').pop())];
    console.log(`${sentence}  [decode ${event.timings.decodeMs.toFixed(0)} ms, end-to-end ${event.timings.endToEndMs.toFixed(0)} ms]`);
    if (event.entities.length === 0) console.log('    (no entities)');
    for (const e of event.entities) {
      // A mention the model wrote that is not in the text has null offsets: marked, so it is not taken for a find.
      const where = e.start === null ? 'NOT IN TEXT' : `${e.start}-${e.end}`;
      console.log(`    ${e.label.padEnd(5)} ${JSON.stringify(e.text).padEnd(28)} ${where.padEnd(11)} score ${e.score.toFixed(3)}`);
    }
    if (pending.size === 0) finish();
  },
});
await joined;

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: input,
  messages: SENTENCES.map((text, i) => ({ key: `demo-${i}`, value: JSON.stringify({ id: `demo-${runId}-${i}`, text }) })),
});
await producer.disconnect();
console.log(`produced ${SENTENCES.length} sentences to ${input}; entity events from ${output} (label, text, character offsets, score):`);

const timer = setTimeout(() => finish(), 120_000);
await finished;
clearTimeout(timer);
await consumer.disconnect();
if (pending.size) {
  console.error(`no entity event for ${pending.size} sentence(s) within 120 s`);
  process.exit(1);
}
