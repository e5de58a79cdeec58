// Dead-letter records in the shape Kafka Connect uses: the original key and value bytes, the failure in headers.
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { PadellmError } from '../errors.js';

export const DLQ_HEADERS = {
  className: '__connect.errors.exception.class.name',
  message: '__connect.errors.exception.message',
  topic: '__connect.errors.topic',
  partition: '__connect.errors.partition',
  offset: '__connect.errors.offset',
  /** Stable code of the failure (BAD_INPUT codes, PADELLM_UNKNOWN_LABEL, ...). */
  code: '__padellm.errors.code',
} as const;

export function deadLetterMessage(source: { topic: string; partition: number; message: KafkaMessage }, error: Error): Message {
  const { topic, partition, message } = source;
  const headers: IHeaders = {
    ...message.headers,
    [DLQ_HEADERS.className]: error.name,
    [DLQ_HEADERS.message]: error.message,
    [DLQ_HEADERS.topic]: topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: message.offset,
    [DLQ_HEADERS.code]: error instanceof PadellmError ? error.code : 'PADELLM_UNKNOWN',
  };
  return { key: message.key, value: message.value, headers, timestamp: message.timestamp };
}
