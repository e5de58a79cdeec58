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
    let guess: { n: number; rows: Array<GuessedRow<K>> } | null = null;
    const step = (out: StepOutput<K>) => {
      tokens.push(greedy(out.logits).token);
      if (!this.ctx.countStop(tokens)) {
        const n = tokens.length === 1 ? this.ctx.readCount(tokens) : 0;
        if (n > 0) guess = { n, rows: this.sendGuessedRows(label, promptKv, n) };
        this.queue.push({ tokens: [tokens[tokens.length - 1]], past: out.kv, done: step });
        return;
      }
      const n = this.ctx.readCount(tokens);
      this.open += n - 1;
      if (guess && guess.n === n) {
        for (const g of guess.rows) {
          if (g.out) this.mention(label, g.k, g.out);
          else g.state = 'go';
        }
        return;
      }
      if (guess) for (const g of guess.rows) g.state = 'drop';
      for (let k = 1; k <= n; k++) {
        this.queue.push({ tokens: this.mentionPrompt(n, k), past: promptKv, done: (o) => this.mention(label, k, o) });
      }
    };
    step(first);
  }

  /** Mention rows sent on a guessed count: their output waits until the count is known, or is dropped. */
  private sendGuessedRows(label: string, promptKv: K, n: number): Array<GuessedRow<K>> {
    const rows: Array<GuessedRow<K>> = [];
    for (let k = 1; k <= n; k++) {
      const g: GuessedRow<K> = { k, out: null, state: 'wait' };
      rows.push(g);
      this.queue.push({
        tokens: this.mentionPrompt(n, k), past: promptKv,
        done: (out) => {
          if (g.state === 'go') this.mention(label, k, out);
          else if (g.state === 'wait') g.out = out;
        },
      });
    }
    return rows;
  }

  /** What follows the label prompt for mention k of n: count(n) then the mention prefix. */
  private mentionPrompt(n: number, k: number): number[] {
    return [...this.ctx.countIds(n), ...this.ctx.mentionPrefix(k)];
  }

  private mention(label: string, k: number, first: StepOutput<K>): void {
    generate(this.queue, first, this.mentionStop, (tokens, probs) => {
      this.found.push({ label, k, ...readMention(this.ctx, tokens, probs) });
      this.open--;
    });
  }
}

interface GuessedRow<K> { k: number; out: StepOutput<K> | null; state: 'wait' | 'go' | 'drop' }
