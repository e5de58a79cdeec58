// A record as it crosses between transport/ (Kafka) and processor/: bytes, strings and numbers, no client types.

export type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** Where a consumed record came from; its offset + 1 is committed with its outputs. */
export interface RecordSource { topic: string; partition: number; offset: string }

export interface InputRecord {
  source: RecordSource;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  /** The record's timestamp, ms since the epoch, as the broker gives it (a decimal string). */
  timestamp: string;
  /** performance.now() when the processor took the record up. */
  takenAt: number;
}

export interface OutputRecord {
  topic: string;
  message: { key?: Buffer | string | null; value: Buffer | string | null; partition?: number; headers?: Headers; timestamp?: string };
}

/** Everything one consumed record produced: an entity event, or its dead letter. */
export interface OutputItem {
  source: RecordSource;
  records: OutputRecord[];
}
