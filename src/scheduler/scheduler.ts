// One decode loop with continuous batching: the rows of every admitted request share forward passes, so new
// messages' prefills ride along with other messages' decode steps, and a request resolves as soon as it is done.
import type { DecodeTask } from '../decoding/task.js';
import type { KvHandle, PassOutput, RunPass } from '../types/pass.js';

export interface SchedulerOptions {
  maxRowsPerPass: number;
  maxTokensPerPass: number;
  /** Most padded past positions (rows x longest past) in one pass: each is copied into the pass's past tensors and
   * again into ONNX Runtime's present ones, so this bounds a pass's memory. Default: no bound. */
  maxPastPerPass?: number;
  /** How long the first request after an idle spell waits for company, ms. */
  maxWaitMs: number;
}

/** Padded input positions below which a pass is cheap whatever its padding. */
const PADDING_SLACK = 256;
/** Share of a big pass's input positions that must be real tokens rather than padding. */
const MIN_REAL_FRACTION = 0.75;

export interface TaskStats { tokensForwarded: number; passes: number; queueMs: number; decodeMs: number }

interface Tracked<K> {
  task: DecodeTask<K>;
  stats: TaskStats;
  admittedAt: number;
  lastPass: number;
  resolve(stats: TaskStats): void;
  reject(err: unknown): void;
}

interface PendingRow<K> { owner: Tracked<K>; row: ReturnType<DecodeTask<K>['takeRows']>[number] }

export class Scheduler<K extends KvHandle> {
  /** Rows waiting for a pass, oldest first: a row skipped for the budget is at the head next time. */
  private pending: PendingRow<K>[] = [];
  private wake: (() => void) | null = null;
  private running = false;
  private passNo = 0;
  private inflightCount = 0;

  constructor(private readonly runPass: RunPass<K>, private readonly opts: SchedulerOptions) {}

  inflight(): number { return this.inflightCount; }

  submit(task: DecodeTask<K>): Promise<TaskStats> {
    return new Promise((resolve, reject) => {
      const owner: Tracked<K> = {
        task, admittedAt: performance.now(), lastPass: -1, resolve, reject,
        stats: { tokensForwarded: 0, passes: 0, queueMs: 0, decodeMs: 0 },
      };
      this.inflightCount++;
      if (!this.collect(owner)) return;
      this.wake?.();
      if (!this.running) void this.loop();
    });
  }

  /** Moves the task's new rows into the queue; settles it when finished. Returns false when it settled. */
  private collect(owner: Tracked<K>): boolean {
    for (const row of owner.task.takeRows()) this.pending.push({ owner, row });
    if (!owner.task.finished) return true;
    owner.stats.decodeMs = performance.now() - owner.admittedAt;
    if (owner.lastPass < 0) owner.stats.queueMs = owner.stats.decodeMs;
    this.inflightCount--;
    owner.resolve(owner.stats);
    return false;
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      if (this.opts.maxWaitMs > 0) await this.waitForCompany();
      while (this.pending.length > 0) await this.pass(this.pick());
    } finally {
      this.running = false;
    }
  }

  private async waitForCompany(): Promise<void> {
    const until = performance.now() + this.opts.maxWaitMs;
    while (this.pending.length < this.opts.maxRowsPerPass) {
      const left = until - performance.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.wake = null; resolve(); }, left);
        this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
      });
    }
  }

  /**
   * Oldest rows first within the budgets; the head row always goes, however long. The token budget counts padded
   * positions (rows x longest input), since padding costs as much compute as real tokens; and once a pass is past
   * PADDING_SLACK positions a row joins only while MIN_REAL_FRACTION of the positions stay real, so one long prefill
   * does not pad dozens of one-token decode steps to its length (they go in the next pass instead).
   */
  private pick(): PendingRow<K>[] {
    const [head, ...others] = this.pending;
    const c0 = head.row.tokens.length;
    const p0 = head.row.past?.length ?? 0;
    // After the head, rows shaped most like it first (input length, then past length), oldest first among equals:
    // that keeps padding low when budgets bind. Rows left out keep their place in the queue.
    const order = others
      .map((p, i) => ({ p, i, dc: Math.abs(p.row.tokens.length - c0), dp: Math.abs((p.row.past?.length ?? 0) - p0) }))
      .sort((a, b) => a.dc - b.dc || a.dp - b.dp || a.i - b.i);
    const chosen = new Set<PendingRow<K>>([head]);
    let real = c0;
    let longest = c0;
    let longestPast = p0;
    const maxPast = this.opts.maxPastPerPass ?? Infinity;
    for (const { p } of order) {
      const c = p.row.tokens.length;
      const past = p.row.past?.length ?? 0;
      const padded = (chosen.size + 1) * Math.max(longest, c);
      const fits = chosen.size < this.opts.maxRowsPerPass && padded <= this.opts.maxTokensPerPass &&
        (chosen.size + 1) * Math.max(longestPast, past) <= maxPast &&
        (padded <= PADDING_SLACK || real + c >= MIN_REAL_FRACTION * padded);
      if (!fits) continue;
      chosen.add(p);
      real += c;
      longest = Math.max(longest, c);
      longestPast = Math.max(longestPast, past);
    }
    this.pending = this.pending.filter((p) => !chosen.has(p));
    return [...chosen];
  }

  private async pass(chosen: PendingRow<K>[]): Promise<void> {
    const passNo = ++this.passNo;
    const started = performance.now();
    const owners = new Set<Tracked<K>>();
    for (const { owner, row } of chosen) {
      if (owner.lastPass < 0) owner.stats.queueMs = started - owner.admittedAt;
      if (owner.lastPass !== passNo) { owner.stats.passes++; owner.lastPass = passNo; }
      owner.stats.tokensForwarded += row.tokens.length;
      owners.add(owner);
    }
    let outputs: Array<PassOutput<K>>;
    try {
      outputs = await this.runPass(chosen.map((p) => p.row));
    } catch (err) {
      this.fail(owners, err);
      return;
    }
    const failed = new Map<Tracked<K>, unknown>();
    chosen.forEach((p, i) => {
      if (failed.has(p.owner)) return;
      try { p.row.done(outputs[i]); } catch (err) { failed.set(p.owner, err); }
    });
    for (const [owner, err] of failed) this.fail(new Set([owner]), err);
    for (const owner of owners) if (!failed.has(owner)) this.collect(owner);
  }

  private fail(owners: Set<Tracked<K>>, err: unknown): void {
    this.pending = this.pending.filter((p) => !owners.has(p.owner));
    for (const owner of owners) {
      this.inflightCount--;
      owner.reject(err);
    }
  }
}
