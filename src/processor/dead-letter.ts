// Dead-letter records in the shape Kafka Connect uses: the original key and value bytes, the failure in headers.
// A dead letter always fits its topic: when the original would not, its value is cut and headers say so.
import { createHash } from 'node:crypto';
import { codeOf } from '../errors.js';
import { recordBytes } from '../transport/record-size.js';
import type { Headers, InputRecord, OutputRecord } from '../types/record.js';

type Message = OutputRecord['message'];

export const DLQ_HEADERS = {
  className: '__connect.errors.exception.class.name',
  message: '__connect.errors.exception.message',
  topic: '__connect.errors.topic',
  partition: '__connect.errors.partition',
  offset: '__connect.errors.offset',
  /** Stable code of the failure (BAD_INPUT codes, PADELLM_UNKNOWN_LABEL, ...). */
  code: '__padellm.errors.code',
  /** Set to "true" when the value (and perhaps the original headers) had to be cut to fit the topic. */
  truncated: '__padellm.errors.truncated',
  /** The original value's size in bytes and its sha256 (hex), so the original can be found and checked. */
  originalBytes: '__padellm.errors.original.bytes',
  originalSha256: '__padellm.errors.original.sha256',
} as const;

/** Error messages can quote the input; they are capped so the headers stay small. */
const MAX_ERROR_MESSAGE_CHARS = 1000;

export function deadLetterMessage(message: InputRecord, error: Error, maxBytes = Infinity): Message {
  const { topic, partition, offset } = message.source;
  const context: Headers = {
    [DLQ_HEADERS.className]: error.name,
    [DLQ_HEADERS.message]: error.message.slice(0, MAX_ERROR_MESSAGE_CHARS),
    [DLQ_HEADERS.topic]: topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: offset,
    [DLQ_HEADERS.code]: codeOf(error),
  };
  const whole: Message = { key: message.key, value: message.value, headers: { ...message.headers, ...context }, timestamp: message.timestamp };
  if (recordBytes(whole) <= maxBytes) return whole;

  const value = message.value ?? Buffer.alloc(0);
  const marks: Headers = {
    [DLQ_HEADERS.truncated]: 'true',
    [DLQ_HEADERS.originalBytes]: String(value.length),
    [DLQ_HEADERS.originalSha256]: createHash('sha256').update(value).digest('hex'),
  };
  // The original headers go too when they alone leave no room; the context headers always stay.
  let headers: Headers = { ...message.headers, ...context, ...marks };
  if (recordBytes({ key: message.key, value: null, headers }) > maxBytes) headers = { ...context, ...marks };
  let key = message.key;
  if (recordBytes({ key, value: null, headers }) > maxBytes) key = null;
  const room = Math.max(0, maxBytes - recordBytes({ key, value: null, headers }));
  return { key, value: value.subarray(0, room), headers, timestamp: message.timestamp };
}
