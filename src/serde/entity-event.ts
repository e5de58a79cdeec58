// Entity events (schemas/entity-event.avsc), as JSON or Avro.
import type { Entity } from '../types/entity.js';
import { InternalError } from '../errors.js';
import type { AvroWriter } from './registry.js';

export interface EntityEvent {
  id: string;
  source: { topic: string; partition: number; offset: number };
  entities: Entity[];
  model: { name: string; version: string };
  timings: { queueMs: number; decodeMs: number; endToEndMs: number };
  chunks: number;
  metadata: Record<string, string> | null;
}

export type OutputFormat = 'json' | 'avro';

export function encodeEntityEvent(format: OutputFormat, event: EntityEvent, avro?: AvroWriter): Buffer {
  if (format === 'json') return Buffer.from(JSON.stringify(event));
  if (!avro) throw new InternalError('avro output needs a registered schema');
  return avro.encode(event);
}
