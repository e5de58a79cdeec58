// Greedy choice over one row of logits.

export interface Choice {
  token: number;
  /** Softmax probability of the chosen token. */
  prob: number;
}

/** Argmax, first index wins ties: for steps that need the token but not its probability (counts). */
export function argmax(logits: ArrayLike<number>): number {
  const n = logits.length;
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logits[i];
    if (v > max) { max = v; best = i; }
  }
  return best;
}

/** Argmax (first index wins ties) and its softmax probability, computed with the max subtracted for stability. */
export function greedy(logits: ArrayLike<number>): Choice {
  const n = logits.length;
  const best = argmax(logits);
  const max = logits[best];
  if (max === -Infinity || Number.isNaN(max)) return { token: best, prob: 0 };
  // exp() dominates this function. A term more than ln(n) + 14 below the max adds under e^-14 / n to a sum >= 1, so
  // skipping all such terms moves the probability by under 1e-6 relative, for any vocabulary size.
  const floor = max - (Math.log(n) + 14);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = logits[i];
    if (v > floor) sum += Math.exp(v - max);
  }
  return { token: best, prob: 1 / sum };
}

