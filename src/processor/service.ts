// The processor's lifecycle: probes and metrics first, then the engine, the registry, Kafka; and a bounded,
// orderly stop (stop fetching, commit or abort what is in flight, leave the group, close the engine).
import type { ConsumerRunConfig, RetryOptions } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from 'node:http';
import type { Config } from '../config/config.js';
import { redactConfig } from '../config/config.js';
import type { Engine, EngineOptions } from '../engine/types.js';
import { engineOptionsOf } from '../config/engine-options.js';
import type { Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { startHttp } from '../observability/http.js';
import { createRegistry, AvroReader, AvroWriter } from '../serde/registry.js';
import { ConfigError, RegistryUnavailableError, StoppedError } from '../errors.js';
import { createKafka } from '../transport/kafka-client.js';
import { ensureTopics } from '../transport/topics.js';
import { fetchRecordLimits, KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../transport/record-size.js';
import { withBackoff } from '../transport/backoff.js';
import { BatchPolicy } from '../transport/batch-policy.js';
import { OutputWriter } from '../transport/output-writer.js';
import { KafkaInput } from '../transport/consumer.js';
import { createProducer } from '../transport/producer.js';
import { processRecord, type RecordContext } from './record.js';


export interface ProcessorDeps {
  createEngine: (options: EngineOptions) => Promise<Engine>;
  logger: Logger;
  /** Tests run several processors in one process; each needs its own metrics registry. */
  metrics?: Metrics;
  /** The producer's retry policy (default PRODUCER_RETRY); bench/commit-latency.ts compares the old one. */
  producerRetry?: RetryOptions;
}

export interface Processor {
  /** Resolves once consuming has begun; retries outages of the broker and the registry until stop(). */
  start(): Promise<void>;
  /** The HTTP port, once start() has bound it. */
  httpPort(): number;
  readonly metrics: Metrics;
  ready(): boolean;
  /** Stops within config.shutdownTimeoutMs; resolves true when everything closed in time. */
  stop(): Promise<boolean>;
}

/**
 * /readyz fails when the brokers have not answered a fetch or heartbeat for this long. Both come about every
 * second from a live consumer; 15 s is past the group's session timeout, after which the group drops us anyway.
 */
const BROKER_SILENCE_MS = 15_000;

/** /healthz fails when the consumer has been stopped for good and could not be restarted for this long. */
const CONSUMER_DOWN_MS = 60_000;

export function createProcessor(config: Config, deps: ProcessorDeps): Processor {
  const { logger } = deps;
  const metrics = deps.metrics ?? createMetrics();
  const stopping = new AbortController();
  const signal = stopping.signal;
  let engine: Engine | undefined;
  let input: KafkaInput | undefined;
  let writer: OutputWriter | undefined;
  let http: { server: Server; port: number } | undefined;
  let consumerDownSince: number | undefined;
  const brokerAnswered = () => performance.now() - (input?.answeredAt ?? 0) < BROKER_SILENCE_MS;
  const ready = () => engine !== undefined && (writer?.connected() ?? false) && !(writer?.stopped() ?? false) &&
    (input?.joined ?? false) && brokerAnswered() && !signal.aborted;
  const healthy = () => !signal.aborted &&
    (consumerDownSince === undefined || performance.now() - consumerDownSince < CONSUMER_DOWN_MS);

  /** Closes whatever start() has created so far; safe to run again for parts created later. */
  const teardown = async () => {
    const [c, w, e] = [input?.consumer, writer, engine];
    input = undefined;
    writer = undefined;
    engine = undefined;
    await c?.stop(); // no new fetches; waits for the running batches, which wait for their commits
    await w?.close(); // commits what is queued, disconnects the producer
    await c?.disconnect(); // leaves the group, so the partitions move on at once
    await e?.close();
  };

  const stop = async (): Promise<boolean> => {
    if (signal.aborted) return true;
    logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'stopping: no new fetches, finishing the open transaction');
    stopping.abort(new StoppedError());
    const orderly = (async () => {
      await teardown();
      http?.server.closeAllConnections();
      await new Promise<void>((resolve) => (http ? http.server.close(() => resolve()) : resolve()));
    })();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      orderly.then(() => true, (error) => { logger.error({ err: error }, 'error while stopping'); return true; }),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), config.shutdownTimeoutMs); }),
    ]);
    clearTimeout(timer);
    if (inTime) logger.info('stopped');
    else logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'stop timed out; uncommitted work will be consumed again');
    http?.server.closeAllConnections();
    return inTime;
  };

  /** Each step of start() may outlast a stop(): what it made is then closed here, not leaked. */
  const unlessStopped = async <T>(made: T, close: (made: T) => Promise<unknown>): Promise<T> => {
    if (!signal.aborted) return made;
    await close(made);
    throw signal.reason;
  };

  const start = async (): Promise<void> => {
    logger.info({ config: redactConfig(config) }, 'starting padellm run');
    http = await startHttp(config.httpPort, metrics.registry, { healthy, ready });
    const brokerGauge = setInterval(() => metrics.brokerReachable.set(brokerAnswered() ? 1 : 0), 1000);
    signal.addEventListener('abort', () => clearInterval(brokerGauge), { once: true });
    brokerGauge.unref();
    logger.info({ port: http.port }, 'serving /metrics, /healthz, /readyz');
    try {
      const loaded = await unlessStopped(await deps.createEngine(engineOptionsOf(config)), (e) => e.close());
      engine = loaded;
      logger.info({ model: loaded.model }, 'model loaded');

      const registry = config.registryUrl ? createRegistry({
        url: config.registryUrl, username: config.registryUsername, password: config.registryPassword,
      }) : undefined;
      const avroReader = config.inputFormat === 'avro' ? new AvroReader(registry!, config.registryUrl!) : undefined;
      const avroWriter = config.outputFormat === 'avro' ? new AvroWriter(registry!, config.registryUrl!) : undefined;
      if (avroWriter) {
        const id = await withBackoff(() => avroWriter.register(config.outputTopic), {
          what: `register ${config.outputTopic}-value in the schema registry at ${config.registryUrl}`, logger, signal,
          retryable: (e) => e instanceof RegistryUnavailableError,
        });
        logger.info({ subject: `${config.outputTopic}-value`, id }, 'output schema registered');
      }

      const kafka = createKafka(config, logger);
      const { partitions, recordLimits } = await withBackoff(async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const written = [config.outputTopic, config.dlqTopic];
          return {
            partitions: await ensureTopics(admin, config.inputTopic, written, logger),
            recordLimits: await fetchRecordLimits(admin, written, KAFKA_DEFAULT_MAX_MESSAGE_BYTES),
          };
        } finally {
          await admin.disconnect();
        }
      }, { what: `check topics on Kafka at ${config.brokers.join(',')}`, logger, signal, retryable: (e) => !(e instanceof ConfigError) });
      logger.info({ recordLimits: Object.fromEntries(recordLimits) }, 'largest record each output topic accepts');

      const activeInput = new KafkaInput(kafka, {
        groupId: config.groupId, topic: config.inputTopic, maxInflight: config.maxInflight, logger, metrics, signal,
        onAbandoned: () => consumeAgain('restart'),
      });
      input = activeInput;
      const activeConsumer = activeInput.consumer;
      const activeWriter = new OutputWriter({
        delivery: config.delivery, groupId: config.groupId, logger, metrics,
        policy: new BatchPolicy({ maxRecords: config.commitMaxRecords, maxBytes: config.commitMaxBytes, maxDelayMs: config.commitIntervalMs }),
        connectProducer: () => withBackoff(async () => {
          const producer = createProducer(kafka, config, deps.producerRetry);
          await producer.connect();
          return producer;
        }, { what: `connect the ${config.delivery} producer`, logger, signal }),
        commitOffsets: (offsets) => activeConsumer.commitOffsets(offsets),
        maxRequestBytes: Math.min(...recordLimits.values()),
        onFailure: () => consumeAgain('rewind'),
      });
      writer = activeWriter;
      await activeWriter.connect();

      await activeInput.connect();
      if (signal.aborted) throw signal.reason;
      const recordContext: RecordContext = {
        engine: loaded, inputFormat: config.inputFormat, outputFormat: config.outputFormat, outputTopic: config.outputTopic,
        dlqTopic: config.dlqTopic, outputPartitions: partitions.get(config.outputTopic)!, maxTextChars: config.maxTextChars,
        recordLimits, avroReader, avroWriter, logger, metrics, signal,
      };
      const runOptions: ConsumerRunConfig = activeInput.runOptions((record) => processRecord(recordContext, record), activeWriter);

      // Consume again from the offsets the group has committed, as a restart would, after either of two events:
      // - 'rewind': a failed commit stopped the writer. A fresh producer fences the old one and settles the failed
      //   transaction. Back-to-back failures (a record that keeps failing) wait longer each time: the partition
      //   stops, it is never skipped.
      // - 'restart': kafkajs gave up on the consumer (restart: false). Retried with backoff; /healthz fails if
      //   that has not worked for CONSUMER_DOWN_MS, so the orchestrator restarts the process.
      let rewinding = false;
      let rewindDelayMs = 0;
      let lastRewindAt = -Infinity;
      const consumeAgain = (why: 'rewind' | 'restart') => {
        if (signal.aborted) return;
        if (why === 'restart') {
          consumerDownSince ??= performance.now();
          metrics.consumerRestarts.inc();
          void withBackoff(async () => {
            await activeConsumer.stop();
            if (activeWriter.stopped()) await activeWriter.reset();
            await activeConsumer.connect();
            await activeConsumer.run(runOptions);
          }, { what: `restart the consumer of group ${config.groupId}`, logger, signal })
            .then(() => { consumerDownSince = undefined; }, () => undefined);
          return;
        }
        if (rewinding) return;
        rewinding = true;
        metrics.rewinds.inc();
        rewindDelayMs = performance.now() - lastRewindAt < 60_000 ? Math.min(30_000, Math.max(500, rewindDelayMs * 2)) : 0;
        lastRewindAt = performance.now();
        void (async () => {
          await activeConsumer.stop();
          if (rewindDelayMs > 0) await sleep(rewindDelayMs, undefined, { signal });
          await activeWriter.reset();
          if (signal.aborted) return;
          await activeConsumer.run(runOptions);
          logger.info({ waitedMs: rewindDelayMs }, 'rewound: consuming again from the last committed offsets');
        })().catch((error) => {
          if (!signal.aborted) logger.error({ err: error }, 'rewinding failed; restarting the consumer');
          consumeAgain('restart');
        }).finally(() => { rewinding = false; });
      };

      await activeConsumer.run(runOptions);
    } catch (error) {
      if (signal.aborted) {
        await teardown(); // parts made after stop() ran its own teardown
        return;
      }
      await stop();
      throw error;
    }
  };

  return { start, stop, ready, metrics, httpPort: () => http?.port ?? 0 };
}
