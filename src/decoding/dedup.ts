// PaDeLLM de-duplication: a mention string predicted under several labels keeps only its most probable label.

export interface ScoredMention {
  label: string;
  text: string;
  /** Product of the mention's token probabilities, EOS excluded. */
  score: number;
}

/**
 * Exact, case-sensitive match on text. Among labels sharing a string the highest score wins; ties go to the label
 * earliest in `labelOrder`. Every instance of the string under a losing label is dropped; the winner keeps all its
 * instances. Input order is preserved.
 */
export function dedup<T extends ScoredMention>(mentions: readonly T[], labelOrder: readonly string[]): T[] {
  const rank = (label: string) => {
    const i = labelOrder.indexOf(label);
    return i < 0 ? labelOrder.length : i;
  };
  const winner = new Map<string, T>();
  for (const m of mentions) {
    const best = winner.get(m.text);
    if (!best || m.score > best.score || (m.score === best.score && rank(m.label) < rank(best.label))) {
      winner.set(m.text, m);
    }
  }
  return mentions.filter((m) => winner.get(m.text)!.label === m.label);
}
