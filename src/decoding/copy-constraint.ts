// Mentions copied from the text: a logits processor for step 2. A mention that is not a span of the text can never
// be right (its offsets are null and, by the paper's string-set protocol, it is a false positive), so each step keeps
// the most probable token whose text extends the mention along some span of the text, or ends it.
import { greedy, type Choice } from './greedy.js';

/** Picks the next token of an answer from its logits and the tokens generated so far. */
export type Chooser = (logits: Float32Array, generated: readonly number[]) => Choice;

/** Plain greedy decoding, as the paper does. */
export const greedyChooser: Chooser = (logits) => greedy(logits);

/** Candidates tried after the best, most probable first: a copy the model means is among them, and an untrained
 * model's noise is not worth a search of the whole vocabulary. */
const CANDIDATES = 64;

/** The k highest logits' indices, highest first (first index on ties), in one pass. */
function topK(logits: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (top.length === k) {
      if (v <= logits[top[k - 1]]) continue;
      top.pop();
    }
    let j = top.length;
    while (j > 0 && logits[top[j - 1]] < v) j--;
    top.splice(j, 0, i);
  }
  return top;
}

/**
 * The most probable token that keeps the mention a substring of `text` (compared after dropping its leading
 * spaces), or EOS once the mention is one. Probabilities are those of the unconstrained softmax, so scores stay
 * comparable with plain greedy's. Where none of the CANDIDATES most probable tokens fits, EOS.
 */
export function textSpanChooser(text: string, decode: (ids: readonly number[]) => string, eosId: number): Chooser {
  const fits = (generated: readonly number[], token: number): boolean => {
    if (token === eosId) {
      const mention = decode(generated).trim();
      return mention.length > 0 && text.includes(mention);
    }
    const written = decode([...generated, token]).trimStart();
    // A byte-level token may end inside a UTF-8 character (decoded as U+FFFD, at most 3 bytes pending): it fits
    // where the whole characters before it are followed in the text by a character outside ASCII.
    const whole = written.replace(/\uFFFD{1,3}$/, '');
    if (whole.includes('\uFFFD')) return false;
    if (whole === written) return written.length === 0 || text.includes(written);
    if (whole.length === 0) return /[^\x00-\x7f]/.test(text);
    for (let i = text.indexOf(whole); i >= 0; i = text.indexOf(whole, i + 1)) {
      if ((text.codePointAt(i + whole.length) ?? 0) > 0x7f) return true;
    }
    return false;
  };
  return (logits, generated) => {
    const best = greedy(logits);
    if (fits(generated, best.token)) return best;
    // best.prob = 1 / sum of exp(l - max): the other candidates' probabilities follow from it.
    const max = logits[best.token];
    const token = topK(logits, CANDIDATES).find((t) => t !== best.token && fits(generated, t)) ?? eosId;
    return { token, prob: Math.exp(logits[token] - max) * best.prob };
  };
}
