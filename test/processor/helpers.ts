// Helpers for the processor's integration tests: they run against the real local stack (scripts/stack/start.sh)
// and the real engine on the smallest real bundle (the embedded model when present, else a tiny fixture).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { Writable } from 'node:stream';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Kafka, logLevel, type KafkaMessage, type Message } from 'kafkajs';
import { stackAddresses } from '../stack/addresses.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createEngine } from '../../src/engine/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createProcessor, type Processor } from '../../src/processor/service.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
// The Kafka tests check the stream, not the model: they run on the fast 2.7M trained model.
const SMALL = join(ROOT, 'models', 'padellm-conll03-small');
export const MODEL_DIR = existsSync(join(SMALL, 'padellm.json')) ? SMALL : join(ROOT, 'test', 'fixtures', 'models', 'qwen2');
export const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export const stack = stackAddresses();

/** Sentences written for these tests. */
export const SENTENCES = [
  'Ingrid Haugen opened a bakery in Tromsdal last winter.',
  'The Copper Valley Miners lost to Riverside United on Sunday.',
  'Akosua Boateng presented her findings at the Accra Energy Summit.',
  'Delmont Aerospace moved its headquarters from Leeds to Glasgow.',
  'Police in Porto Ferrano arrested two men after the robbery.',
  'Farid Haddad and Lena Sorensen sailed from Malta to Crete.',
  'The Westbrook Philharmonic will tour Chile and Argentina in June.',
  'Analysts at Grayfield Capital expect the Lumina Bank deal to close soon.',
];

/** Every name handed out; those that became topics are deleted when the test file ends. */
const named = new Set<string>();
export const uniqueName = (prefix: string) => {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  named.add(name);
  return name;
};

/** Deletes the topics among `names` that exist (tests leave nothing behind on the stack). */
export async function deleteTopics(names: Iterable<string>): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const wanted = new Set(names);
    const topics = (await admin.listTopics()).filter((t) => wanted.has(t));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } finally {
    await admin.disconnect();
  }
}

after(async () => {
  if (named.size > 0) await deleteTopics(named).catch(() => undefined);
});

export function kafka(): Kafka {
  return new Kafka({ clientId: 'padellm-test', brokers: stack.brokers, logLevel: logLevel.NOTHING });
}

export async function createTopics(names: string[], partitions = 1): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: partitions })) });
  } finally {
    await admin.disconnect();
  }
}

export async function produce(topic: string, messages: Message[]): Promise<void> {
  const producer = kafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages, acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

export interface Read { topic: string; partition: number; message: KafkaMessage }

/**
 * Reads committed records (all records with `readUncommitted`) of `topics` from the start until `count` arrived
 * (or `timeoutMs` passed), then `settleMs` more.
 */
export async function readCommitted(topics: string[], count: number, timeoutMs = 60_000, settleMs = 1500,
  readUncommitted = false): Promise<Read[]> {
  const consumer = kafka().consumer({ groupId: uniqueName('reader'), readUncommitted, maxWaitTimeInMs: 500 });
  const got: Read[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let done: () => void;
  const enough = new Promise<void>((resolve) => { done = resolve; });
  await consumer.run({ eachMessage: async ({ topic, partition, message }) => {
    got.push({ topic, partition, message });
    if (got.length >= count) done();
  } });
  const timer = setTimeout(() => done(), timeoutMs);
  await enough;
  clearTimeout(timer);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  await consumer.disconnect();
  return got;
}

export const json = (r: Read) => JSON.parse(r.message.value!.toString());
export const header = (r: Read, name: string) => r.message.headers?.[name]?.toString();

/** Log lines a processor wrote, for tests that check what it said. */
export class LogSink extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  _write(chunk: Buffer, _enc: string, next: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    next();
  }
  has(pattern: RegExp): boolean {
    return this.lines.some((l) => pattern.test(String(l.msg)));
  }
}

export function testConfig(topics: { input: string; output: string; dlq: string }, extra: Record<string, unknown> = {}): Config {
  return loadConfig({
    brokers: stack.brokers.join(','), registryUrl: stack.registryUrl, inputTopic: topics.input, outputTopic: topics.output,
    dlqTopic: topics.dlq, groupId: uniqueName('group'), transactionalId: uniqueName('txn'), httpPort: 0,
    modelDir: MODEL_DIR, commitIntervalMs: 20, shutdownTimeoutMs: 15_000, logLevel: 'info', ...extra,
  });
}

/** A processor in this process, on the real engine; resolves once it consumes. */
export async function startInProcess(config: Config, logs = new LogSink()): Promise<{ processor: Processor; logs: LogSink }> {
  const processor = createProcessor(config, { createEngine, logger: createLogger(config.logLevel, logs), metrics: createMetrics(false) });
  await processor.start();
  return { processor, logs };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!await condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `padellm run` as a child process, configured by flags; its stdout log lines are collected. */
export interface RunningProcess {
  child: ChildProcess;
  logs: string[];
  exited: Promise<number | null>;
  /** Resolves on the next log line containing `text`, as soon as it arrives. */
  nextLine(text: string): Promise<void>;
}

export function spawnRun(args: string[]): RunningProcess {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PADELLM_')));
  const child = spawn(process.execPath, [MAIN, 'run', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const watchers: { text: string; resolve: () => void }[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const lines = text.split('\n');
    partial = lines.pop()!;
    logs.push(...lines);
    for (const w of [...watchers]) {
      if (lines.some((l) => l.includes(w.text))) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const nextLine = (text: string) => new Promise<void>((resolve) => { watchers.push({ text, resolve }); });
  return { child, logs, exited, nextLine };
}

/** A TCP path to a real service (the registry, a broker's bootstrap address) that a test can cut and restore. */
export class Gate {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly host: string, private readonly targetPort: number) {}
  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.host);
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

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

