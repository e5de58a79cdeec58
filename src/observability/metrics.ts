// Prometheus metrics of the processor (prom-client), in a registry of their own so tests can make several.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const MS_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000];

export function createMetrics(withDefaults = true) {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'padellm_' });
  const registers = [registry];
  return {
    registry,
    recordsIn: new Counter({ name: 'padellm_records_in_total', help: 'Input records consumed', labelNames: ['topic'], registers }),
    recordsOut: new Counter({ name: 'padellm_records_out_total', help: 'Entity events committed', labelNames: ['topic'], registers }),
    deadLettered: new Counter({ name: 'padellm_records_dead_lettered_total', help: 'Records sent to the dead-letter topic, by error code',
      labelNames: ['code'], registers }),
    entities: new Counter({ name: 'padellm_entities_total', help: 'Entities published, by label', labelNames: ['label'], registers }),
    chunks: new Counter({ name: 'padellm_chunks_total', help: 'Engine requests made for long documents split into chunks', registers }),
    batchSize: new Histogram({ name: 'padellm_batch_records', help: 'Records per consumed batch',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], registers }),
    transactionSize: new Histogram({ name: 'padellm_transaction_records', help: 'Output records per committed transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000], registers }),
    decodeMs: new Histogram({ name: 'padellm_decode_ms', help: 'Engine decode time per message, ms', buckets: MS_BUCKETS, registers }),
    queueMs: new Histogram({ name: 'padellm_queue_ms', help: 'Wait before the engine started a message, ms', buckets: MS_BUCKETS, registers }),
    endToEndMs: new Histogram({ name: 'padellm_end_to_end_ms', help: 'Input record timestamp to committed output, ms',
      buckets: MS_BUCKETS, registers }),
    consumerLag: new Gauge({ name: 'padellm_consumer_lag', help: 'Records behind the high watermark at the last batch',
      labelNames: ['topic', 'partition'], registers }),
    inflight: new Gauge({ name: 'padellm_inflight_messages', help: 'Messages admitted to the engine and not finished', registers }),
    paused: new Gauge({ name: 'padellm_partitions_paused', help: '1 while consumption is paused because the engine is full', registers }),
    pauses: new Counter({ name: 'padellm_consumer_pauses_total', help: 'Times consumption paused because the engine was full', registers }),
    transactionsAborted: new Counter({ name: 'padellm_transactions_aborted_total', help: 'Transactions aborted', registers }),
    commitMs: new Histogram({ name: 'padellm_commit_ms', help: 'Time to write and commit one transaction (or batch), ms',
      buckets: MS_BUCKETS, registers }),
    rewinds: new Counter({ name: 'padellm_rewinds_total',
      help: 'Times a failed commit made the consumer rewind to the committed offsets and consume again', registers }),
    consumerRestarts: new Counter({ name: 'padellm_consumer_restarts_total',
      help: 'Times the processor restarted a consumer that kafkajs had stopped for good', registers }),
    brokerReachable: new Gauge({ name: 'padellm_broker_reachable',
      help: '1 while the group coordinator answered a heartbeat recently (what /readyz reports)', registers }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
