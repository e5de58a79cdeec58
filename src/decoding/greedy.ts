// Greedy choice over one row of logits.

export interface Choice {
  token: number;
  /** Softmax probability of the chosen token. */
  prob: number;
}

/** Argmax (first index wins ties) and its softmax probability, computed with the max subtracted for stability. */
export function greedy(logits: ArrayLike<number>): Choice {
  const n = logits.length;
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logits[i];
    if (v > max) { max = v; best = i; }
  }
  if (max === -Infinity || Number.isNaN(max)) return { token: best, prob: 0 };
  // Terms more than NEGLIGIBLE below the max add under e^-40 each to a sum >= 1: skipping their exp() changes
  // nothing at float precision and saves most of the time on a trained model's peaked logits.
  const floor = max - NEGLIGIBLE;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = logits[i];
    if (v > floor) sum += Math.exp(v - max);
  }
  return { token: best, prob: 1 / sum };
}

const NEGLIGIBLE = 40;
