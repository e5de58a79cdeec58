// NER scores: the paper's string-set micro-F1 and span-exact micro-F1, with per-label P/R/F.

export interface Scored { label: string; text: string; start: number | null; end: number | null }
export interface Counts { tp: number; fp: number; fn: number }
export interface Prf { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number }

export function prf(c: Counts): Prf {
  const precision = c.tp + c.fp === 0 ? 0 : (100 * c.tp) / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 0 : (100 * c.tp) / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, ...c };
}

/** Accumulates counts sentence by sentence. Scores are percentages. */
export class F1Tally {
  private readonly strings = new Map<string, Counts>();
  private readonly spans: Counts = { tp: 0, fp: 0, fn: 0 };

  add(gold: readonly Scored[], pred: readonly Scored[], labels: readonly string[]): void {
    for (const label of labels) {
      // Paper protocol: per sentence and label, sets of mention strings.
      const g = new Set(gold.filter((e) => e.label === label).map((e) => e.text));
      const p = new Set(pred.filter((e) => e.label === label).map((e) => e.text));
      const c = this.strings.get(label) ?? { tp: 0, fp: 0, fn: 0 };
      for (const t of p) (g.has(t) ? c.tp++ : c.fp++);
      for (const t of g) if (!p.has(t)) c.fn++;
      this.strings.set(label, c);
    }
    const key = (e: Scored) => `${e.label}\u0000${e.start}\u0000${e.end}`;
    const g = new Set(gold.filter((e) => labels.includes(e.label)).map(key));
    const p = new Set(pred.filter((e) => e.start !== null).map(key));
    for (const k of p) (g.has(k) ? this.spans.tp++ : this.spans.fp++);
    // Unaligned predictions cannot match a span: they count as false positives.
    this.spans.fp += pred.filter((e) => e.start === null).length;
    for (const k of g) if (!p.has(k)) this.spans.fn++;
  }

  micro(): Prf {
    const sum: Counts = { tp: 0, fp: 0, fn: 0 };
    for (const c of this.strings.values()) { sum.tp += c.tp; sum.fp += c.fp; sum.fn += c.fn; }
    return prf(sum);
  }

  spanMicro(): Prf { return prf(this.spans); }

  perLabel(): Record<string, Prf> {
    return Object.fromEntries([...this.strings].map(([l, c]) => [l, prf(c)]));
  }
}
