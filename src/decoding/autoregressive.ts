// The autoregressive baseline: one sequence lists every (label, mention) pair with `ar_item`, then EOS.
import { arStopFor, generate } from './steps.js';
import { arItemRegExp } from './arItems.js';
import type { KvHandle } from '../types/pass.js';
import { RowQueue, type DecodeContext, type DecodeTask, type GeneratedMention } from './task.js';

export class AutoregressiveTask<K extends KvHandle> implements DecodeTask<K> {
  private readonly queue = new RowQueue<K>();
  private found: GeneratedMention[] = [];
  private done = false;

  constructor(private readonly ctx: DecodeContext, textIds: number[], private readonly labels: string[]) {
    const stop = arStopFor(ctx);
    this.queue.push({
      tokens: ctx.prompts.arPrompt(textIds), past: null,
      done: (out) => generate(this.queue, out, stop, (tokens, probs) => {
        this.found = parseArOutput(ctx, tokens, probs, labels);
        this.done = true;
      }),
    });
  }

  get finished(): boolean { return this.done; }
  takeRows() { return this.queue.take(); }
  mentions(): GeneratedMention[] { return this.found; }
}

/**
 * Reads `ar_item` lines ("{label}: {mention}\n"). Lines that do not match, or name a label not asked for, are
 * skipped. A mention's score is the product of the probabilities of the tokens that overlap its characters.
 */
export function parseArOutput(
  ctx: DecodeContext, tokens: number[], probs: number[], labels: readonly string[],
): GeneratedMention[] {
  const n = tokens[tokens.length - 1] === ctx.eosId ? tokens.length - 1 : tokens.length;
  const ids = tokens.slice(0, n);
  const text = ctx.decode(ids);
  const offsets = ctx.offsets(ids);
  const item = arItemRegExp(ctx.prompts.arItemPattern, labels);
  const perLabel = new Map<string, number>();
  const out: GeneratedMention[] = [];
  for (let m = item.exec(text); m; m = item.exec(text)) {
    const label = m.groups!.label;
    const mention = m.groups!.mention.trim();
    if (mention.length === 0) continue;
    const [start, end] = m.indices!.groups!.mention;
    let score = 1;
    offsets.forEach(([s, e], i) => { if (s < end && e > start) score *= probs[i]; });
    const k = (perLabel.get(label) ?? 0) + 1;
    perLabel.set(label, k);
    out.push({ label, k, text: mention, score });
  }
  return out;
}
