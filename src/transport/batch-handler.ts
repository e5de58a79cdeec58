// The consumer's eachBatch: records go to the engine as admission allows (many messages share forward passes),
// their outputs reach the writer in partition order, and each offset is resolved only once its output committed.
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { OutputWriter } from './output-writer.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { InputRecord, OutputItem } from '../types/record.js';
import type { Admission } from './admission.js';

export interface BatchHandlerDeps {
  /** One record's life (processor/record.ts): rejects only for failures that are not the record's fault. */
  process: (record: InputRecord) => Promise<OutputItem>;
  admission: Admission;
  writer: OutputWriter;
  logger: Logger;
  metrics: Metrics;
  signal: AbortSignal;
}

/** The kafkajs message as the processor sees it. */
export function inputRecord(topic: string, partition: number, message: KafkaMessage, takenAt: number): InputRecord {
  return {
    source: { topic, partition, offset: message.offset },
    key: message.key, value: message.value, headers: message.headers ?? {}, timestamp: message.timestamp, takenAt,
  };
}

/** kafkajs only sends a heartbeat when its interval has passed, so asking often costs nothing. */
const HEARTBEAT_POLL_MS = 1000;

export function createBatchHandler(deps: BatchHandlerDeps) {
  const { process, admission, writer, metrics, signal } = deps;
  return async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    const { topic, partition } = batch;
    metrics.batchSize.observe(batch.messages.length);
    metrics.consumerLag.set({ topic, partition }, Number(batch.offsetLag()));
    let failure: unknown;
    const fail = (error: unknown) => { failure ??= error; };
    const beats = setInterval(() => heartbeat().catch(fail), HEARTBEAT_POLL_MS);
    const committed: Promise<void>[] = [];
    let inOrder: Promise<void> = Promise.resolve();
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || failure !== undefined || signal.aborted) break;
        const takenAt = performance.now();
        await admission.acquire(signal);
        metrics.inflight.set(admission.inflight);
        metrics.recordsIn.inc({ topic });
        const output = process(inputRecord(topic, partition, message, takenAt)).finally(() => {
          admission.release();
          metrics.inflight.set(admission.inflight);
        });
        output.catch(fail);
        inOrder = inOrder.then(async () => {
          const item = await output;
          if (failure !== undefined) return; // an earlier record failed: this one is consumed again after the retry
          const done = writer.append(item).then(() => {
            resolveOffset(message.offset);
            metrics.recordsOut.inc({ topic: item.records[0].topic });
            metrics.endToEndMs.observe(Math.max(0, Date.now() - Number(message.timestamp)));
          });
          done.catch(fail);
          committed.push(done);
        }).catch(fail);
      }
      await inOrder;
      await Promise.allSettled(committed);
    } catch (error) {
      fail(error);
      await inOrder;
      await Promise.allSettled(committed);
    } finally {
      clearInterval(beats);
    }
    // A stopped writer is being rewound by its owner (service.ts): the unresolved records are consumed again then.
    if (failure !== undefined && !signal.aborted && !writer.stopped()) throw failure;
  };
}
