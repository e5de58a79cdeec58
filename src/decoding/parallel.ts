// PaDeLLM parallel decoding for one message, with prefix sharing:
// prefill the prompt up to {label} once -> one row per label with its suffix -> greedy count -> for k in 1..n
// a row forked from the label's prompt cache fed count(n) + mention-prefix(k) -> greedy mention until EOS/cap.
import { countStop, parseCount } from './count.js';
import { greedy } from './greedy.js';
import type { StopCriterion } from './stopping.js';
import { RowQueue, type DecodeContext, type DecodeTask, type GeneratedMention, type KvHandle, type StepOutput } from './task.js';

/** Greedy generation of one answer on one row: calls back with the tokens and their probabilities. */
export function generate<K extends KvHandle>(
  queue: RowQueue<K>, first: StepOutput<K>, stop: StopCriterion,
  finish: (tokens: number[], probs: number[]) => void,
): void {
  const tokens: number[] = [];
  const probs: number[] = [];
  const step = (out: StepOutput<K>) => {
    const c = greedy(out.logits);
    tokens.push(c.token);
    probs.push(c.prob);
    if (stop(tokens)) finish(tokens, probs);
    else queue.push({ tokens: [c.token], past: out.kv, done: step });
  };
  step(first);
}

/** The mention answer: text before EOS, score = product of its token probabilities (EOS excluded). */
export function readMention(ctx: DecodeContext, tokens: number[], probs: number[]): { text: string; score: number } {
  const n = tokens[tokens.length - 1] === ctx.eosId ? tokens.length - 1 : tokens.length;
  let score = 1;
  for (let i = 0; i < n; i++) score *= probs[i];
  return { text: ctx.decode(tokens.slice(0, n)).trim(), score };
}

/** The usual count stopping rule over the generated text. */
export function countStopFor(ctx: Pick<DecodeContext, 'decode' | 'eosId' | 'newlineId' | 'limits'>): StopCriterion {
  return countStop({
    eosId: ctx.eosId, newlineId: ctx.newlineId, maxCount: ctx.limits.max_count,
    maxCountTokens: ctx.limits.max_count_tokens, decode: (ids) => ctx.decode(ids),
  });
}

export function mentionStopFor(ctx: DecodeContext): StopCriterion {
  const cap = ctx.limits.max_mention_tokens;
  return (g) => g[g.length - 1] === ctx.eosId || g.length >= cap;
}

/** The usual count reader: the digits of the generated text, EOS dropped. */
export function countReader(ctx: Pick<DecodeContext, 'decode' | 'eosId' | 'limits'>) {
  return (tokens: readonly number[]) =>
    parseCount(ctx.decode(tokens.filter((t) => t !== ctx.eosId)), ctx.limits.max_count);
}

export class ParallelTask<K extends KvHandle> implements DecodeTask<K> {
  private readonly queue = new RowQueue<K>();
  private readonly found: GeneratedMention[] = [];
  private open = 1;
  private readonly mentionStop: StopCriterion;

  constructor(private readonly ctx: DecodeContext, textIds: number[], private readonly labels: string[]) {
    this.mentionStop = mentionStopFor(ctx);
    this.queue.push({ tokens: ctx.promptPrefix(textIds), past: null, done: (out) => this.forkLabels(out.kv) });
  }

  get finished(): boolean { return this.open === 0; }
  takeRows() { return this.queue.take(); }

  mentions(): GeneratedMention[] {
    const order = new Map(this.labels.map((l, i) => [l, i]));
    return [...this.found].sort((a, b) => order.get(a.label)! - order.get(b.label)! || a.k - b.k);
  }

  private forkLabels(prefix: K): void {
    this.open += this.labels.length - 1;
    for (const label of this.labels) {
      this.queue.push({ tokens: this.ctx.labelSuffix(label), past: prefix, done: (out) => this.count(label, out) });
    }
  }

  /**
   * Greedy count from the label's prompt. When the first digit could still grow ("1" before "1\n" or "12\n"), the
   * mention rows for that count are sent in the same pass as the row that reads the next count token: if the count
   * turns out as guessed they are exactly the rows that would have been sent next, one pass earlier.
   */
  private count(label: string, first: StepOutput<K>): void {
    const promptKv = first.kv;
    const tokens: number[] = [];
    let early: Map<number, StepOutput<K> | null> | null = null;
    let guessed = 0;
    const step = (out: StepOutput<K>) => {
      tokens.push(greedy(out.logits).token);
      if (!this.ctx.countStop(tokens)) {
        if (tokens.length === 1 && (guessed = this.ctx.readCount(tokens)) > 0) {
          early = this.sendMentionRows(label, promptKv, guessed, true);
        }
        this.queue.push({ tokens: [tokens[tokens.length - 1]], past: out.kv, done: step });
        return;
      }
      const n = this.ctx.readCount(tokens);
      if (early && n === guessed) return this.confirm(early);
      if (early) for (const id of early.keys()) this.early.delete(id);
      this.open += n - 1;
      this.sendMentionRows(label, promptKv, n, false);
    };
    step(first);
  }

  private readonly early = new Map<number, { label: string; k: number; out: StepOutput<K> | null; confirmed: boolean }>();
  private nextEarlyId = 0;

  /** Rows for mentions 1..n of a label; early rows wait for the count to be confirmed before they go on. */
  private sendMentionRows(label: string, promptKv: K, n: number, early: boolean): Map<number, StepOutput<K> | null> | null {
    const count = this.ctx.countIds(n);
    const ids = new Map<number, StepOutput<K> | null>();
    for (let k = 1; k <= n; k++) {
      const tokens = [...count, ...this.ctx.mentionPrefix(k)];
      if (!early) {
        this.queue.push({ tokens, past: promptKv, done: (out) => this.mention(label, k, out) });
        continue;
      }
      const id = this.nextEarlyId++;
      ids.set(id, null);
      this.early.set(id, { label, k, out: null, confirmed: false });
      this.queue.push({
        tokens, past: promptKv,
        done: (out) => {
          const e = this.early.get(id);
          if (!e) return; // the guess was wrong: drop it
          if (e.confirmed) { this.early.delete(id); this.mention(label, k, out); } else e.out = out;
        },
      });
    }
    return early ? ids : null;
  }

  private confirm(ids: Map<number, StepOutput<K> | null>): void {
    this.open += ids.size - 1;
    for (const id of ids.keys()) {
      const e = this.early.get(id)!;
      if (e.out) { this.early.delete(id); this.mention(e.label, e.k, e.out); } else e.confirmed = true;
    }
  }

  private mention(label: string, k: number, first: StepOutput<K>): void {
    generate(this.queue, first, this.mentionStop, (tokens, probs) => {
      this.found.push({ label, k, ...readMention(this.ctx, tokens, probs) });
      this.open--;
    });
  }
}
