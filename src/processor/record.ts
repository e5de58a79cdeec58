// One consumed record -> its one output: an entity event, or the record itself on the dead-letter topic.
import type { KafkaMessage } from 'kafkajs';
import type { Engine } from '../engine/types.js';
import { BadInputError, OutputTooLargeError, RegistryUnavailableError, UnknownLabelError } from '../errors.js';
import { decodeTextEvent, type InputFormat } from '../serde/text-event.js';
import { encodeEntityEvent, type EntityEvent, type OutputFormat } from '../serde/entity-event.js';
import type { AvroReader, AvroWriter } from '../serde/registry.js';
import { deadLetterMessage } from '../transport/dead-letter.js';
import { recordBytes } from '../transport/record-size.js';
import type { OutputItem } from '../transport/output-writer.js';
import { withBackoff } from '../transport/backoff.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { annotateDocument } from './annotate.js';

export interface RecordContext {
  engine: Engine;
  inputFormat: InputFormat;
  outputFormat: OutputFormat;
  outputTopic: string;
  dlqTopic: string;
  /** Partitions of the output topic: input partition p writes to p mod this, so a partition's outputs keep order. */
  outputPartitions: number;
  maxTextChars: number;
  /** The largest record each written topic accepts (record-size.ts). */
  recordLimits: Map<string, number>;
  avroReader?: AvroReader;
  avroWriter?: AvroWriter;
  logger: Logger;
  metrics: Metrics;
  /** Aborts registry retries when the processor stops. */
  signal: AbortSignal;
}

export interface Consumed {
  topic: string;
  partition: number;
  message: KafkaMessage;
  /** performance.now() when the processor took the record up. */
  takenAt: number;
}

/** Errors that are the record's fault: the record is dead-lettered. Anything else fails the batch, which is retried. */
const isBadInput = (error: unknown) =>
  error instanceof BadInputError || error instanceof UnknownLabelError || error instanceof OutputTooLargeError;

const limitOf = (ctx: RecordContext, topic: string) => ctx.recordLimits.get(topic) ?? Infinity;

export async function processRecord(ctx: RecordContext, consumed: Consumed): Promise<OutputItem> {
  const { topic, partition, message } = consumed;
  const source = { topic, partition, offset: message.offset };
  try {
    const event = await withBackoff(() => decodeTextEvent(ctx.inputFormat, message.value, ctx.maxTextChars, ctx.avroReader), {
      what: `decode Avro record ${topic}/${partition}@${message.offset}`, logger: ctx.logger, signal: ctx.signal,
      retryable: (e) => e instanceof RegistryUnavailableError,
    });
    const known = ctx.engine.model.labels;
    const unknown = (event.labels ?? []).filter((l) => !known.includes(l));
    if (unknown.length > 0) throw new UnknownLabelError(unknown, known);
    const startedAt = performance.now();
    const result = event.labels?.length === 0
      ? { entities: [], decodeMs: 0, queueMs: 0, chunks: 0, unaligned: 0 }
      : await annotateDocument(ctx.engine, event.text, { labels: event.labels });
    const output: EntityEvent = {
      id: event.id ?? message.key?.toString() ?? `${topic}-${partition}-${message.offset}`,
      source: { topic, partition, offset: Number(message.offset) },
      entities: result.entities,
      model: { name: ctx.engine.model.name, version: ctx.engine.model.version },
      timings: {
        queueMs: startedAt - consumed.takenAt + result.queueMs,
        decodeMs: result.decodeMs,
        endToEndMs: Math.max(0, Date.now() - Number(message.timestamp)),
      },
      chunks: result.chunks,
      metadata: event.metadata ?? null,
    };
    ctx.metrics.decodeMs.observe(result.decodeMs);
    ctx.metrics.queueMs.observe(output.timings.queueMs);
    if (result.chunks > 1) ctx.metrics.chunks.inc(result.chunks);
    for (const e of result.entities) ctx.metrics.entities.inc({ label: e.label });
    const out = { key: message.key, partition: partition % ctx.outputPartitions,
      value: encodeEntityEvent(ctx.outputFormat, output, ctx.avroWriter) };
    const bytes = recordBytes(out);
    if (bytes > limitOf(ctx, ctx.outputTopic)) throw new OutputTooLargeError(bytes, limitOf(ctx, ctx.outputTopic), ctx.outputTopic);
    return { source, records: [{ topic: ctx.outputTopic, message: out }] };
  } catch (error) {
    if (!isBadInput(error)) throw error;
    const code = (error as BadInputError).code;
    ctx.logger.warn({ code, topic, partition, offset: message.offset, reason: (error as Error).message }, 'dead-lettering record');
    ctx.metrics.deadLettered.inc({ code });
    const letter = deadLetterMessage({ topic, partition, message }, error as Error, limitOf(ctx, ctx.dlqTopic));
    return { source, records: [{ topic: ctx.dlqTopic, message: letter }] };
  }
}
