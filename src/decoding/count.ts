// The step-1 answer: the mention count in digits, ended by a newline or EOS.
import { anyOf, stopAtLength, stopAtToken, type StopCriterion } from './stopping.js';

/**
 * Reads the count from the generated text: the leading digits after optional spaces; anything else is junk and
 * counts as 0. Capped at maxCount so a runaway answer cannot fan out into unbounded step-2 queries.
 */
export function parseCount(text: string, maxCount: number): number {
  const m = /^\s*(\d+)/.exec(text);
  if (!m) return 0;
  const n = Number.parseInt(m[1], 10);
  return Number.isFinite(n) ? Math.min(n, maxCount) : 0;
}

/**
 * Stop at newline, EOS, the token cap, or as soon as no further digit could change the parsed count: "0" (counts
 * have no leading zeros) or a value whose next digit would pass maxCount. The last two save a forward pass for
 * most labels; the count read is the same as with waiting for the newline.
 */
export function countStop(opts: {
  eosId: number; newlineId: number; maxCountTokens: number; maxCount: number;
  decode: (ids: readonly number[]) => string;
}): StopCriterion {
  const base = anyOf(stopAtToken(opts.eosId), stopAtToken(opts.newlineId), stopAtLength(opts.maxCountTokens));
  return (g) => {
    if (base(g)) return true;
    const m = /^\s*(\d+)$/.exec(opts.decode(g));
    if (!m) return !/^\s*$/.test(opts.decode(g));
    const n = Number.parseInt(m[1], 10);
    return m[1] === '0' || n * 10 > opts.maxCount;
  };
}
