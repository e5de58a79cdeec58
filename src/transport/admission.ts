// Bounds the messages handed to the engine. When the bound is reached the consumer pauses its partitions (onFull)
// so fetched data stops piling up; it resumes them once a message finishes (onAvailable).

export interface AdmissionHooks {
  onFull(): void;
  onAvailable(): void;
}

export class Admission {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private full = false;

  constructor(private readonly limit: number, private readonly hooks: AdmissionHooks) {}

  get inflight(): number {
    return this.active;
  }

  /** Waits for a free slot; rejects if `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    if (!this.full) {
      this.full = true;
      this.hooks.onFull();
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(grant), 1);
        reject(signal!.reason);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    this.active--;
    if (this.full) {
      this.full = false;
      this.hooks.onAvailable();
    }
  }
}
