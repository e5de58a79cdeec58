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

/** Letters, marks and digits: a mention that starts or ends between two of them cuts a word ("Gla" of "Glasgow"). */
const WORD = /[\p{L}\p{M}\p{N}]/u;
/** Scripts written without spaces between words, where a mention may start or end at any character. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

const cutsWord = (a: string, b: string): boolean =>
  WORD.test(a) && WORD.test(b) && !UNSPACED.test(a) && !UNSPACED.test(b);

/** The code point that ends before `i` ('' at the start). */
const before = (s: string, i: number): string => (i > 0 ? Array.from(s.slice(Math.max(0, i - 2), i)).pop() ?? '' : '');
/** The code point that starts at `i` ('' at the end). */
const at = (s: string, i: number): string => { const c = s.codePointAt(i); return c === undefined ? '' : String.fromCodePoint(c); };

/** Whether `mention` occurs in `text` starting and ending at word boundaries. */
export function isWordSpan(text: string, mention: string): boolean {
  if (mention.length === 0) return false;
  const first = at(mention, 0);
  const last = before(mention, mention.length);
  for (let i = text.indexOf(mention); i >= 0; i = text.indexOf(mention, i + 1)) {
    if (!cutsWord(before(text, i), first) && !cutsWord(last, at(text, i + mention.length))) return true;
  }
  return false;
}

/**
 * A mention that ends or starts inside a word of the text, widened to whole words ("Gla" -> "Glasgow"). The span
 * constraint falls back to EOS where no candidate continues the word, and a cut word can never be right, while the
 * word it was cut from often is. Mentions that are word spans or not in the text at all are returned as they are.
 */
export function widenToWords(text: string, mention: string): string {
  if (mention.length === 0 || isWordSpan(text, mention)) return mention;
  let start = text.indexOf(mention);
  if (start < 0) return mention;
  let end = start + mention.length;
  while (start > 0 && cutsWord(before(text, start), at(text, start))) start -= before(text, start).length;
  while (end < text.length && cutsWord(before(text, end), at(text, end))) end += at(text, end).length;
  return text.slice(start, end);
}

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
 * spaces), or EOS once the mention is one that starts and ends at word boundaries (entities are whole words: "Gla"
 * cut from "Glasgow" can never be right). Probabilities are those of the unconstrained softmax, so scores stay
 * comparable with plain greedy's. Where none of the CANDIDATES most probable tokens fits, EOS.
 */
export function textSpanChooser(text: string, decode: (ids: readonly number[]) => string, eosId: number): Chooser {
  const fits = (generated: readonly number[], token: number): boolean => {
    if (token === eosId) return isWordSpan(text, decode(generated).trim());
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
