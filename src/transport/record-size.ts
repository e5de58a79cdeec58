// How large a record may be on each topic we write, and how large a record is, so that nothing we write is refused.
import kafkajs, { type Admin, type Message } from 'kafkajs';

const { ConfigResourceTypes } = kafkajs; // kafkajs is CommonJS: its enums are not named ESM exports

/** Kafka's default `message.max.bytes` / `max.message.bytes`: the fallback when the broker does not say. */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Room kept free under a topic's limit: the limit applies to a whole record batch, whose header (61 bytes) and
 * per-record framing (varint lengths, attributes, deltas) our estimate below leaves out.
 */
export const BATCH_OVERHEAD_BYTES = 512;

/** Key, value, and header keys and values, plus a few bytes of framing per field. */
export function recordBytes(m: Pick<Message, 'key' | 'value' | 'headers'>): number {
  let n = 24 + size(m.key) + size(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) n += 8 + Buffer.byteLength(k) + size(one as Buffer | string | null | undefined);
  }
  return n;
}

function size(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/**
 * The largest record each topic accepts: its `max.message.bytes` (which already falls back to the broker's
 * `message.max.bytes`), else `fallback`, minus the batch overhead.
 */
export async function fetchRecordLimits(admin: Admin, topics: string[], fallback: number): Promise<Map<string, number>> {
  const limits = new Map<string, number>();
  const unique = [...new Set(topics)];
  let described: Awaited<ReturnType<Admin['describeConfigs']>> | undefined;
  try {
    described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: unique.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
    });
  } catch {
    described = undefined; // an ACL may forbid DescribeConfigs: the setting stands in
  }
  for (const topic of unique) {
    const entry = described?.resources.find((r) => r.resourceName === topic)?.configEntries
      .find((e) => e.configName === 'max.message.bytes');
    const value = Number(entry?.configValue);
    limits.set(topic, (Number.isFinite(value) && value > 0 ? value : fallback) - BATCH_OVERHEAD_BYTES);
  }
  return limits;
}
