// One consumed record -> its one output: an entity event, or the record itself on the dead-letter topic.
// Transport-agnostic: bytes, key, headers and source come in (types/record.ts); the output item goes out.
import type { Engine } from '../engine/types.js';
import { OutputTooLargeError, RegistryUnavailableError, codeOf, isBadInput } from '../errors.js';
import { decodeTextEvent, type InputFormat } from '../serde/text-event.js';
import { encodeEntityEvent, type EntityEvent, type OutputFormat } from '../serde/entity-event.js';
import type { AvroReader, AvroWriter } from '../serde/registry.js';
import { recordBytes } from '../transport/record-size.js';
import { withBackoff } from '../transport/backoff.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { InputRecord, OutputItem } from '../types/record.js';
import { deadLetterMessage } from './dead-letter.js';

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

const limitOf = (ctx: RecordContext, topic: string) => ctx.recordLimits.get(topic) ?? Infinity;

export async function processRecord(ctx: RecordContext, record: InputRecord): Promise<OutputItem> {
  const { source } = record;
  const { topic, partition, offset } = source;
  try {
    const event = await withBackoff(() => decodeTextEvent(ctx.inputFormat, record.value, ctx.maxTextChars, ctx.avroReader), {
      what: `decode Avro record ${topic}/${partition}@${offset}`, logger: ctx.logger, signal: ctx.signal,
      retryable: (e) => e instanceof RegistryUnavailableError,
    });
    const startedAt = performance.now();
    const result = await ctx.engine.annotate({ text: event.text, labels: event.labels });
    const output: EntityEvent = {
      id: event.id ?? record.key?.toString() ?? `${topic}-${partition}-${offset}`,
      source: { topic, partition, offset: Number(offset) },
      entities: result.entities,
      model: { name: ctx.engine.model.name, version: ctx.engine.model.version },
      timings: {
        queueMs: startedAt - record.takenAt + result.stats.queueMs,
        decodeMs: result.stats.decodeMs,
        endToEndMs: Math.max(0, Date.now() - Number(record.timestamp)),
      },
      chunks: result.stats.chunks,
      metadata: event.metadata ?? null,
    };
    ctx.metrics.decodeMs.observe(result.stats.decodeMs);
    ctx.metrics.queueMs.observe(output.timings.queueMs);
    if (result.stats.chunks > 1) ctx.metrics.chunks.inc(result.stats.chunks);
    for (const e of result.entities) ctx.metrics.entities.inc({ label: e.label });
    const out = { key: record.key, partition: partition % ctx.outputPartitions,
      value: encodeEntityEvent(ctx.outputFormat, output, ctx.avroWriter) };
    const bytes = recordBytes(out);
    if (bytes > limitOf(ctx, ctx.outputTopic)) throw new OutputTooLargeError(bytes, limitOf(ctx, ctx.outputTopic), ctx.outputTopic);
    return { source, records: [{ topic: ctx.outputTopic, message: out }] };
  } catch (error) {
    if (!isBadInput(error)) throw error;
    const code = codeOf(error);
    ctx.logger.warn({ code, topic, partition, offset, reason: (error as Error).message }, 'dead-lettering record');
    ctx.metrics.deadLettered.inc({ code });
    const letter = deadLetterMessage(record, error as Error, limitOf(ctx, ctx.dlqTopic));
    return { source, records: [{ topic: ctx.dlqTopic, message: letter }] };
  }
}
