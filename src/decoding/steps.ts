// Building blocks the decoders share: greedy generation on one row, reading answers, the usual count rules.
import { countStop, parseCount } from './count.js';
import { greedyChooser, type Chooser } from './copy-constraint.js';
import { anyOf, stopAtLength, stopAtToken, type StopCriterion } from './stopping.js';
import type { KvHandle, PassOutput } from '../types/pass.js';
import type { DecodeContext, RowQueue } from './task.js';
import type { TextDrafter } from './draft.js';

/** Greedy generation of one answer on one row: calls back with the tokens and their probabilities. */
export function generate<K extends KvHandle>(
  queue: RowQueue<K>, first: PassOutput<K>, stop: StopCriterion,
  finish: (tokens: number[], probs: number[]) => void, choose: Chooser = greedyChooser,
): void {
  const tokens: number[] = [];
  const probs: number[] = [];
  const step = (out: PassOutput<K>) => {
    const c = choose(out.logits, tokens);
    tokens.push(c.token);
    probs.push(c.prob);
    if (stop(tokens)) finish(tokens, probs);
    else queue.push({ tokens: [c.token], past: out.kv, done: step });
  };
  step(first);
}

/**
 * Greedy generation that verifies copy drafts: each row feeds the next token plus the text tokens a drafter
 * expects after it, reads logits at every position, keeps the longest drafted prefix greedy decoding agrees with,
 * and goes on from the next greedy token. The tokens and probabilities are those of `generate`, token for token;
 * only the number of passes changes (a fully copied mention takes one pass after its first token).
 */
export function generateDrafted<K extends KvHandle>(
  queue: RowQueue<K>, first: PassOutput<K>, stop: StopCriterion, drafter: TextDrafter,
  finish: (tokens: number[], probs: number[]) => void, choose: Chooser = greedyChooser,
): void {
  const tokens: number[] = [];
  const probs: number[] = [];
  /** Takes the chosen token of `logits`; true when generation is over. */
  const take = (logits: Float32Array) => {
    const c = choose(logits, tokens);
    tokens.push(c.token);
    probs.push(c.prob);
    return stop(tokens);
  };
  const send = (past: K) => {
    const draft = drafter.propose(tokens);
    const next = tokens[tokens.length - 1];
    if (draft.length === 0) {
      queue.push({ tokens: [next], past, done: (out) => (take(out.logits) ? finish(tokens, probs) : send(out.kv)) });
      return;
    }
    queue.push({
      tokens: [next, ...draft], past, logitsAt: draft.map((_, i) => i).concat(draft.length),
      done: (out) => {
        const vocab = out.logits.length;
        // Position i's logits follow input i (the fed token, then draft[0..i-1]); draft[i] is accepted when greedy
        // agrees, and the first disagreement is itself the next greedy token.
        for (let i = 0; i <= draft.length; i++) {
          if (take(out.logitsAt!.subarray(i * vocab, (i + 1) * vocab))) return finish(tokens, probs);
          if (i === draft.length || tokens[tokens.length - 1] !== draft[i]) {
            return send(out.kv.prefix(past.length + 1 + i) as K);
          }
        }
      },
    });
  };
  if (take(first.logits)) finish(tokens, probs);
  else send(first.kv);
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

/** A mention ends at EOS or at its token cap. */
export function mentionStopFor(ctx: DecodeContext): StopCriterion {
  return anyOf(stopAtToken(ctx.eosId), stopAtLength(ctx.limits.max_mention_tokens));
}

/** The autoregressive answer ends at EOS or at its token cap. */
export function arStopFor(ctx: DecodeContext): StopCriterion {
  return anyOf(stopAtToken(ctx.eosId), stopAtLength(ctx.limits.max_ar_tokens));
}

/** The usual count reader: the digits of the generated text, EOS dropped. */
export function countReader(ctx: Pick<DecodeContext, 'decode' | 'eosId' | 'limits'>) {
  return (tokens: readonly number[]) =>
    parseCount(ctx.decode(tokens.filter((t) => t !== ctx.eosId)), ctx.limits.max_count);
}

