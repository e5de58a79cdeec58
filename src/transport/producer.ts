// The Kafka output's producer: transactional for exactly-once, idempotent either way.
import { Partitioners, type Kafka, type Producer, type RetryOptions } from 'kafkajs';
import type { Delivery } from '../config/config.js';

/**
 * The producer's own retries. Unlimited, as kafkajs asks of an idempotent producer: one that gives up mid-send may
 * leave a sequence gap, and resending the same records then could duplicate them outside a transaction. A send
 * that cannot succeed still ends: the coordinator aborts a transaction older than transactionTimeout, the next
 * request is refused as fenced (not retriable), and the writer rewinds. They start fast (20 ms) because the
 * common retriable error under load is CONCURRENT_TRANSACTIONS: the coordinator still writing the previous
 * transaction's markers when the next one adds its partitions, which takes milliseconds; kafkajs' client default
 * of 300 ms put about 336 ms on almost every transaction.
 */
export const PRODUCER_RETRY: RetryOptions = { initialRetryTime: 20, maxRetryTime: 5_000, retries: Number.MAX_SAFE_INTEGER };

export function createProducer(kafka: Kafka, options: { delivery: Delivery; transactionalId: string }, retry = PRODUCER_RETRY): Producer {
  // Records carry explicit partitions; the partitioner only matters for none of them.
  const createPartitioner = Partitioners.DefaultPartitioner;
  if (options.delivery === 'at-least-once') {
    return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner, retry });
  }
  return kafka.producer({
    createPartitioner, transactionalId: options.transactionalId, idempotent: true, maxInFlightRequests: 1,
    transactionTimeout: 60_000, retry,
  });
}
