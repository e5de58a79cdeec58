// Input records -> TextEvent, for the three input formats. Every failure is a BadInputError with a stable code,
// except an unreachable registry, which is the registry's fault and not the record's (RegistryUnavailableError).
import { Ajv } from 'ajv';
import { BAD_INPUT, BadInputError, InternalError } from '../errors.js';
import { exactId } from './json-id.js';
import type { AvroReader } from './registry.js';

export interface TextEvent {
  id?: string;
  text: string;
  /** Subset of the model's labels; all labels when absent. */
  labels?: string[];
  metadata?: Record<string, string>;
}

export type InputFormat = 'json' | 'avro' | 'text';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const validateJson = new Ajv({ allErrors: true, allowUnionTypes: true }).compile({
  type: 'object',
  required: ['text'],
  properties: {
    id: { type: ['string', 'integer'] },
    text: { type: 'string' },
    labels: { type: 'array', items: { type: 'string' } },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
  },
});

function decodeUtf8(value: Buffer): string {
  try {
    return utf8.decode(value);
  } catch (cause) {
    throw new BadInputError(BAD_INPUT.badUtf8, 'value is not valid UTF-8', { cause });
  }
}

function fromJson(value: Buffer): TextEvent {
  let parsed: unknown;
  const source = decodeUtf8(value);
  try {
    parsed = JSON.parse(source);
  } catch (cause) {
    if (cause instanceof BadInputError) throw cause;
    throw new BadInputError(BAD_INPUT.badJson, `value is not JSON: ${(cause as Error).message}`, { cause });
  }
  if (!validateJson(parsed)) {
    const detail = (validateJson.errors ?? []).map((e) => `${e.instancePath || 'event'} ${e.message}`).join('; ');
    throw new BadInputError(BAD_INPUT.missingField, `JSON event is not {"id"?, "text", "labels"?}: ${detail}`);
  }
  const event = parsed as { id?: string | number; text: string; labels?: string[]; metadata?: Record<string, string> };
  return { id: event.id === undefined ? undefined : exactId(event.id, source), text: event.text, labels: event.labels, metadata: event.metadata };
}

function fromAvro(decoded: { id: string | null; text: string; labels: string[] | null; metadata: Record<string, string> | null }): TextEvent {
  return { id: decoded.id ?? undefined, text: decoded.text, labels: decoded.labels ?? undefined, metadata: decoded.metadata ?? undefined };
}

/** Decodes one record value; checks what every format shares (not empty, under the hard cap). */
export async function decodeTextEvent(format: InputFormat, value: Buffer | null, maxTextChars: number,
  avro?: AvroReader): Promise<TextEvent> {
  if (value === null || value.length === 0) throw new BadInputError(BAD_INPUT.emptyText, 'record has no value');
  let event: TextEvent;
  switch (format) {
    case 'text': event = { text: decodeUtf8(value) }; break;
    case 'json': event = fromJson(value); break;
    case 'avro':
      if (!avro) throw new InternalError('avro input needs a schema registry reader');
      event = fromAvro(await avro.decode(value) as Parameters<typeof fromAvro>[0]);
      break;
  }
  if (event.text.trim() === '') throw new BadInputError(BAD_INPUT.emptyText, 'text is empty');
  if (event.text.length > maxTextChars) {
    throw new BadInputError(BAD_INPUT.textOverCap, `text has ${event.text.length} characters, the cap is ${maxTextChars}`);
  }
  return event;
}
