// The Kafka input: the consumer's options, its group events, pausing the input topic when the engine is full, and
// the eachBatch wiring. What happens to a record is the processor's business (BatchHandlerDeps.process).
import type { Consumer, ConsumerRunConfig, Kafka } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { InputRecord, OutputItem } from '../types/record.js';
import { Admission } from './admission.js';
import { withBackoff } from './backoff.js';
import { createBatchHandler } from './batch-handler.js';
import type { OutputWriter } from './output-writer.js';

/** Partitions handled at once; the engine batches across all of them. */
const PARTITIONS_CONCURRENTLY = 8;

export interface KafkaInputOptions {
  groupId: string;
  topic: string;
  /** Records admitted to the processor before the topic's partitions pause. */
  maxInflight: number;
  logger: Logger;
  metrics: Metrics;
  signal: AbortSignal;
  /** kafkajs stopped the consumer for good (a non-retriable error, restart: false): the owner restarts it. */
  onAbandoned: () => void;
}

export class KafkaInput {
  readonly consumer: Consumer;
  /** In the group: set on join, cleared on a crash or disconnect. */
  joined = false;
  /** performance.now() of the latest fetch or heartbeat the brokers answered. */
  answeredAt = 0;
  private readonly admission: Admission;

  constructor(kafka: Kafka, private readonly opts: KafkaInputOptions) {
    const { logger, metrics, signal, topic } = opts;
    const consumer = kafka.consumer({
      groupId: opts.groupId,
      readUncommitted: false,
      // The broker's long-poll: shorter lets stop() return sooner; data still arrives as soon as it is there.
      maxWaitTimeInMs: 1000,
      // A member that died without leaving holds up the next rebalance this long: keep it short so a restarted
      // instance resumes quickly (heartbeats come from a timer, never blocked by the engine's worker).
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8, restartOnFailure: async () => !signal.aborted },
    });
    this.consumer = consumer;
    this.admission = new Admission(opts.maxInflight, {
      onFull: () => { metrics.paused.set(1); metrics.pauses.inc(); consumer.pause([{ topic }]); },
      onAvailable: () => { metrics.paused.set(0); consumer.resume([{ topic }]); },
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      logger.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group');
    });
    const answered = () => { this.answeredAt = performance.now(); };
    consumer.on(consumer.events.HEARTBEAT, answered);
    consumer.on(consumer.events.FETCH, answered);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      if (payload.restart || signal.aborted) {
        logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed; kafkajs restarts it');
        return;
      }
      logger.error({ err: payload.error, restart: false }, 'consumer crashed and kafkajs will not restart it; restarting it');
      opts.onAbandoned();
    });
    consumer.on(consumer.events.DISCONNECT, () => { this.joined = false; });
  }

  /** Connects and subscribes, retrying a broker outage until it works or the processor stops. */
  async connect(): Promise<void> {
    const { consumer, opts } = this;
    await withBackoff(async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
    }, { what: `join group ${opts.groupId}`, logger: opts.logger, signal: opts.signal });
  }

  /** The consumer's run options: no auto-commit; an offset is resolved only once its output committed. */
  runOptions(process: (record: InputRecord) => Promise<OutputItem>, writer: OutputWriter): ConsumerRunConfig {
    const { logger, metrics, signal } = this.opts;
    return {
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      eachBatch: createBatchHandler({ process, admission: this.admission, writer, logger, metrics, signal }),
    };
  }
}
