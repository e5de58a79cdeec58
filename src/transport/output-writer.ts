// Writes the outputs of consumed records and commits their offsets: with --delivery exactly-once both go in one
// Kafka transaction (sendOffsets), so a crash leaves either both or neither; with at-least-once the records are
// sent first and the offsets committed after. Outputs are batched per the BatchPolicy; one commit at a time, in
// the order items were appended, so the outputs of one partition keep its order.
//
// The invariant: an input offset is committed only when the outputs of that record and of every record before it
// on its partition are committed, in the same or an earlier transaction. Commits run one at a time in append
// order, so it holds while they succeed. When one fails, the writer stops: that batch, everything queued behind
// it and everything appended later is rejected (never resolved, so no offset moves past it) until reset(), which
// the owner calls after rewinding the consumer to the committed offsets. A later commit can therefore never skip
// a failed one.
import type { Message, Producer, TopicMessages, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Delivery } from '../config/config.js';
import { BatchPolicy } from './batch-policy.js';
import { recordBytes } from './record-size.js';
import type { OutputItem, OutputRecord } from '../types/record.js';
import { WriterStoppedError } from '../errors.js';

export type { OutputItem, OutputRecord } from '../types/record.js';

interface Pending {
  item: OutputItem;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface OutputWriterOptions {
  delivery: Delivery;
  groupId: string;
  policy: BatchPolicy;
  /** A connected producer (transactional for exactly-once); called again after a failed commit to start afresh. */
  connectProducer: () => Promise<Producer>;
  /** Commits offsets outside a transaction (at-least-once). */
  commitOffsets: (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>;
  /** Told once per failure, after the writer has stopped; the owner rewinds the consumer, then calls reset(). */
  onFailure?: (error: unknown) => void;
  /** Most bytes one produce call may carry per partition (the smallest topic limit, record-size.ts). */
  maxRequestBytes?: number;
  logger: Logger;
  metrics?: Metrics;
}

const messageBytes = (m: Message) => (m.value?.length ?? 0) + (m.key?.length ?? 0);

export { WriterStoppedError };

export class OutputWriter {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  /** The commit in progress: one at a time, so records keep their order and later ones gather meanwhile. */
  private committing: Promise<void> | undefined;
  private producer: Producer | undefined;
  /** Set by a failed commit; appends are refused until reset(). */
  private failure: unknown;

  constructor(private readonly options: OutputWriterOptions) {}

  /** Connects the producer now rather than at the first commit (a transactional one also fences its predecessor). */
  async connect(): Promise<void> {
    this.producer ??= await this.options.connectProducer();
  }

  /** A producer is connected: false after a failed commit until the next one reconnects. */
  connected(): boolean {
    return this.producer !== undefined;
  }

  /** True from a failed commit until reset(). */
  stopped(): boolean {
    return this.failure !== undefined;
  }

  /** After the owner rewound the consumer: a fresh producer (which fences the failed one) and appends again. */
  async reset(): Promise<void> {
    await this.committing;
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => undefined);
    this.producer = await this.options.connectProducer();
    this.failure = undefined;
  }

  /** Queues the outputs of one consumed record; resolves once they and its offset are committed. */
  append(item: OutputItem): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(new WriterStoppedError(this.failure));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.options.policy.add(item.records.length, item.records.reduce((n, r) => n + messageBytes(r.message), 0));
      this.schedule();
    });
  }

  /** Commits everything queued so far; resolves when that is done (failures reach the appenders, not the caller). */
  async flush(): Promise<void> {
    while (this.committing || this.pending.length > 0) {
      if (!this.committing) this.startCommit();
      await this.committing;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  /**
   * Starts a commit when the batch is full or due; otherwise waits for that. While a commit runs nothing starts:
   * records gather and go together when it ends, so a busy stream gets big transactions and an idle one gets
   * its records committed at once (with the default period of 0).
   */
  private schedule(): void {
    if (this.committing || this.pending.length === 0) return;
    const { policy } = this.options;
    const due = policy.dueInMs();
    if (policy.full() || due === 0) {
      // Let records appended in the same tick join this commit.
      this.soon ??= setImmediate(() => { this.soon = undefined; this.startCommit(); });
    } else {
      this.timer ??= setTimeout(() => { this.timer = undefined; this.startCommit(); }, due);
    }
  }

  private startCommit(): void {
    if (this.committing || this.pending.length === 0) return;
    this.clearTimers();
    const batch = this.pending;
    this.pending = [];
    this.options.policy.reset();
    this.committing = this.commit(batch).finally(() => {
      this.committing = undefined;
      this.schedule();
    });
  }

  private clearTimers(): void {
    clearTimeout(this.timer);
    clearImmediate(this.soon);
    this.timer = undefined;
    this.soon = undefined;
  }

  private async commit(batch: Pending[]): Promise<void> {
    const { delivery, groupId, logger, metrics } = this.options;
    const requests = chunkRecords(batch.flatMap((p) => p.item.records), this.options.maxRequestBytes ?? Infinity)
      .map(groupByTopic);
    const offsets = nextOffsets(batch.map((p) => p.item.source));
    const startedAt = performance.now();
    try {
      this.producer ??= await this.options.connectProducer();
      if (delivery === 'exactly-once') {
        const txn = await this.producer.transaction();
        try {
          for (const topicMessages of requests) await txn.sendBatch({ topicMessages, acks: -1 });
          logger.debug({ records: batch.length, offsets }, 'outputs written; committing them with their offsets');
          await txn.sendOffsets({ consumerGroupId: groupId, topics: offsets });
          await txn.commit();
        } catch (error) {
          metrics?.transactionsAborted.inc();
          await txn.abort().catch((abortError) => logger.warn({ err: abortError }, 'transaction abort failed'));
          throw error;
        }
      } else {
        for (const topicMessages of requests) await this.producer.sendBatch({ topicMessages, acks: -1 });
        await this.options.commitOffsets(offsets.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p }))));
      }
    } catch (error) {
      // Stop before anything else can start a commit: the queued items (later offsets) must not commit past these.
      this.failure = error;
      const queued = this.pending;
      this.pending = [];
      this.options.policy.reset();
      this.clearTimers();
      logger.error({ err: error, records: batch.length, queued: queued.length },
        'writing outputs failed; rewinding to the last committed offsets, their inputs will be consumed again');
      // A producer whose transaction failed may be stuck mid-state; reset() starts a fresh one, which also fences
      // and aborts whatever this one left open.
      const broken = this.producer;
      this.producer = undefined;
      await broken?.disconnect().catch(() => undefined);
      for (const p of batch) p.reject(error);
      for (const p of queued) p.reject(new WriterStoppedError(error));
      this.options.onFailure?.(error);
      return;
    }
    metrics?.transactionSize.observe(batch.length);
    metrics?.commitMs.observe(performance.now() - startedAt);
    for (const p of batch) p.resolve();
  }
}

/** Splits records, in order, into produce calls of at most maxBytes each (a record alone may be up to the limit). */
export function chunkRecords(records: OutputRecord[], maxBytes: number): OutputRecord[][] {
  const chunks: OutputRecord[][] = [];
  let current: OutputRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const n = recordBytes(r.message);
    if (current.length > 0 && bytes + n > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function groupByTopic(records: OutputRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    const list = byTopic.get(r.topic) ?? [];
    list.push(r.message);
    byTopic.set(r.topic, list);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

export function nextOffsets(sources: OutputItem['source'][]) {
  const next = new Map<string, { topic: string; partition: number; offset: bigint }>();
  for (const s of sources) {
    const key = `${s.topic}\u0000${s.partition}`;
    const offset = BigInt(s.offset) + 1n;
    const seen = next.get(key);
    if (!seen || seen.offset < offset) next.set(key, { topic: s.topic, partition: s.partition, offset });
  }
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const { topic, partition, offset } of next.values()) {
    topics.set(topic, [...(topics.get(topic) ?? []), { partition, offset: offset.toString() }]);
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
