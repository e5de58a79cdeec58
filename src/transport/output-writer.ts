// Writes the outputs of consumed records and commits their offsets: with --delivery exactly-once both go in one
// Kafka transaction (sendOffsets), so a crash leaves either both or neither; with at-least-once the records are
// sent first and the offsets committed after. Outputs are batched per the BatchPolicy; one commit at a time, in
// the order items were appended, so the outputs of one partition keep its order.
import type { Message, Producer, TopicMessages, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Delivery } from '../config/config.js';
import { BatchPolicy } from './batch-policy.js';

export interface OutputRecord {
  topic: string;
  message: Message;
}

export interface OutputItem {
  /** The consumed record these outputs answer; its offset + 1 is committed with them. */
  source: { topic: string; partition: number; offset: string };
  records: OutputRecord[];
}

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
  logger: Logger;
  metrics?: Metrics;
}

const messageBytes = (m: Message) => (m.value?.length ?? 0) + (m.key?.length ?? 0);

export class OutputWriter {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Immediate | undefined;
  /** The commit in progress: one at a time, so records keep their order and later ones gather meanwhile. */
  private committing: Promise<void> | undefined;
  private producer: Producer | undefined;

  constructor(private readonly options: OutputWriterOptions) {}

  /** Connects the producer now rather than at the first commit (a transactional one also fences its predecessor). */
  async connect(): Promise<void> {
    this.producer ??= await this.options.connectProducer();
  }

  /** A producer is connected: false after a failed commit until the next one reconnects. */
  connected(): boolean {
    return this.producer !== undefined;
  }

  /** Queues the outputs of one consumed record; resolves once they and its offset are committed. */
  append(item: OutputItem): Promise<void> {
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
    const topicMessages = groupByTopic(batch.flatMap((p) => p.item.records));
    const offsets = nextOffsets(batch.map((p) => p.item.source));
    try {
      this.producer ??= await this.options.connectProducer();
      if (delivery === 'exactly-once') {
        const txn = await this.producer.transaction();
        try {
          await txn.sendBatch({ topicMessages, acks: -1 });
          logger.debug({ records: batch.length, offsets }, 'outputs written; committing them with their offsets');
          await txn.sendOffsets({ consumerGroupId: groupId, topics: offsets });
          await txn.commit();
        } catch (error) {
          metrics?.transactionsAborted.inc();
          await txn.abort().catch((abortError) => logger.warn({ err: abortError }, 'transaction abort failed'));
          throw error;
        }
      } else {
        await this.producer.sendBatch({ topicMessages, acks: -1 });
        await this.options.commitOffsets(offsets.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p }))));
      }
    } catch (error) {
      logger.error({ err: error, records: batch.length }, 'writing outputs failed; their inputs will be consumed again');
      // A producer whose transaction failed may be stuck mid-state; the next flush starts a fresh one (which also
      // fences and aborts whatever this one left open).
      const broken = this.producer;
      this.producer = undefined;
      await broken?.disconnect().catch(() => undefined);
      for (const p of batch) p.reject(error);
      return;
    }
    metrics?.transactionSize.observe(batch.length);
    for (const p of batch) p.resolve();
  }
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

function nextOffsets(sources: OutputItem['source'][]) {
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
