// The paper's reference scheme, for benchmarks: every (label) and (label, k) query encodes its full prompt from
// scratch, nothing is reused between step 1 and step 2, and step 2 starts only when every count is known
// (batched within the message, as the official batched script does).
import { generate, mentionStopFor, readMention } from './steps.js';
import type { StopCriterion } from './stopping.js';
import type { KvHandle } from '../types/pass.js';
import { RowQueue, type DecodeContext, type DecodeTask, type GeneratedMention } from './task.js';

export class ReferenceTask<K extends KvHandle> implements DecodeTask<K> {
  private readonly queue = new RowQueue<K>();
  private readonly found: GeneratedMention[] = [];
  private readonly counts = new Map<string, number>();
  private open: number;
  private readonly mentionStop: StopCriterion;

  constructor(private readonly ctx: DecodeContext, private readonly textIds: number[], private readonly labels: string[]) {
    this.mentionStop = mentionStopFor(ctx);
    this.open = labels.length;
    for (const label of labels) {
      this.queue.push({
        tokens: this.prompt(label), past: null,
        done: (out) => generate(this.queue, out, (t) => ctx.countStop(t), (tokens) => this.counted(label, ctx.readCount(tokens))),
      });
    }
  }

  get finished(): boolean { return this.open === 0; }
  takeRows() { return this.queue.take(); }
  mentions(): GeneratedMention[] {
    const order = new Map(this.labels.map((l, i) => [l, i]));
    return [...this.found].sort((a, b) => order.get(a.label)! - order.get(b.label)! || a.k - b.k);
  }

  private prompt(label: string): number[] {
    return [...this.ctx.prompts.promptPrefix(this.textIds), ...this.ctx.prompts.labelSuffix(label)];
  }

  private counted(label: string, n: number): void {
    this.counts.set(label, n);
    this.open += n - 1;
    if (this.counts.size < this.labels.length) return;
    for (const l of this.labels) {
      const count = this.counts.get(l)!;
      for (let k = 1; k <= count; k++) {
        this.queue.push({
          tokens: [...this.prompt(l), ...this.ctx.prompts.countIds(count), ...this.ctx.prompts.mentionPrefix(k)], past: null,
          done: (out) => generate(this.queue, out, this.mentionStop, (tokens, probs) => {
            this.found.push({ label: l, k, ...readMention(this.ctx, tokens, probs) });
            this.open--;
          }),
        });
      }
    }
  }
}
