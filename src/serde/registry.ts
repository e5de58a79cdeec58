// Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body) against a schema registry.
// The registry is asked for writer schemas (input) and registers the output schema under TopicNameStrategy.
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { BAD_INPUT, BadInputError, InternalError, RegistryUnavailableError } from '../errors.js';

const schemaFile = (name: string) => new URL(`../../../schemas/${name}`, import.meta.url);
export const TEXT_EVENT_SCHEMA = readFileSync(schemaFile('text-event.avsc'), 'utf8');
export const ENTITY_EVENT_SCHEMA = readFileSync(schemaFile('entity-event.avsc'), 'utf8');

export interface RegistrySettings {
  url: string;
  username?: string;
  password?: string;
}

export function createRegistry(settings: RegistrySettings): SchemaRegistry {
  return new SchemaRegistry({
    host: settings.url,
    auth: settings.username ? { username: settings.username, password: settings.password ?? '' } : undefined,
    clientId: 'padellm-stream',
    // Few quick retries here; the processor's own backoff rides out longer outages.
    retry: { retries: 2, initialRetryTimeInSecs: 0.2, maxRetryTimeInSecs: 2 },
  });
}

/** mappersmith reports a refused connection as a response too; only a 404 means "no such schema". */
function isNotFound(error: unknown): boolean {
  return (error as { status?: number }).status === 404;
}

function unavailable(url: string, error: unknown): RegistryUnavailableError {
  return new RegistryUnavailableError(`schema registry at ${url} is unavailable: ${(error as Error).message}`, { cause: error });
}

/** Decodes input records into the reader schema (text-event.avsc), resolving from whatever schema wrote them. */
export class AvroReader {
  private readonly reader = avro.Type.forSchema(JSON.parse(TEXT_EVENT_SCHEMA));
  private readonly resolvers = new Map<number, avro.Resolver>();

  constructor(private readonly registry: SchemaRegistry, private readonly url: string) {}

  async decode(value: Buffer): Promise<unknown> {
    if (value.length < 5 || value[0] !== 0) {
      throw new BadInputError(BAD_INPUT.badAvro, 'value is not in the Confluent Avro wire format (magic byte 0 + schema id)');
    }
    const id = value.readInt32BE(1);
    const resolver = await this.resolver(id);
    try {
      return this.reader.fromBuffer(value.subarray(5), resolver);
    } catch (cause) {
      throw new BadInputError(BAD_INPUT.badAvro, `Avro body does not decode with schema ${id}: ${(cause as Error).message}`, { cause });
    }
  }

  private async resolver(id: number): Promise<avro.Resolver> {
    const cached = this.resolvers.get(id);
    if (cached) return cached;
    let writer: unknown;
    try {
      writer = await this.registry.getSchema(id);
    } catch (cause) {
      if (isNotFound(cause)) throw new BadInputError(BAD_INPUT.unknownSchema, `schema id ${id} is not in the registry`, { cause });
      throw unavailable(this.url, cause);
    }
    if (!(writer instanceof avro.Type)) throw new BadInputError(BAD_INPUT.badAvro, `schema id ${id} is not an Avro schema`);
    let resolver: avro.Resolver;
    try {
      resolver = this.reader.createResolver(writer);
    } catch (cause) {
      throw new BadInputError(BAD_INPUT.missingField,
        `schema id ${id} cannot be read as a TextEvent (needs a string "text"): ${(cause as Error).message}`, { cause });
    }
    this.resolvers.set(id, resolver);
    return resolver;
  }
}

/** Encodes entity events with entity-event.avsc, registered once under `<topic>-value`. */
export class AvroWriter {
  private readonly type = avro.Type.forSchema(JSON.parse(ENTITY_EVENT_SCHEMA));
  private header?: Buffer;

  constructor(private readonly registry: SchemaRegistry, private readonly url: string) {}

  /** Registers the schema; throws RegistryUnavailableError while the registry cannot be reached. */
  async register(topic: string): Promise<number> {
    let id: number;
    try {
      ({ id } = await this.registry.register({ type: SchemaType.AVRO, schema: ENTITY_EVENT_SCHEMA }, { subject: `${topic}-value` }));
    } catch (cause) {
      // 409 (incompatible) and 422 (invalid) are the registry's verdict on the schema; anything else is an outage.
      const status = (cause as { status?: number }).status;
      if (status === 409 || status === 422) throw cause;
      throw unavailable(this.url, cause);
    }
    this.header = Buffer.alloc(5);
    this.header.writeInt32BE(id, 1);
    return id;
  }

  encode(event: unknown): Buffer {
    if (!this.header) throw new InternalError('AvroWriter.register() must succeed before encode()');
    return Buffer.concat([this.header, this.type.toBuffer(event)]);
  }
}
