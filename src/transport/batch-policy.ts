// When to close the current output transaction: enough records, enough bytes, or the first record waited long enough.

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
  maxDelayMs: number;
}

export class BatchPolicy {
  private records = 0;
  private bytes = 0;
  private openedAt: number | undefined;

  constructor(readonly limits: BatchLimits) {}

  add(records: number, bytes: number, now = Date.now()): void {
    this.openedAt ??= now;
    this.records += records;
    this.bytes += bytes;
  }

  /** The batch is full and should be flushed now. */
  full(): boolean {
    return this.records >= this.limits.maxRecords || this.bytes >= this.limits.maxBytes;
  }

  /** Milliseconds until the batch is due by age; undefined while empty. */
  dueInMs(now = Date.now()): number | undefined {
    return this.openedAt === undefined ? undefined : Math.max(0, this.openedAt + this.limits.maxDelayMs - now);
  }

  empty(): boolean {
    return this.openedAt === undefined;
  }

  reset(): void {
    this.records = 0;
    this.bytes = 0;
    this.openedAt = undefined;
  }
}
