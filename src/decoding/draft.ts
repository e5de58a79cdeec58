// Copy drafts for mention decoding: a mention is almost always a span of the text, so the tokens that follow the
// generated ones in the text's own ids are a good guess of what greedy decoding will write next (prompt lookup).

/**
 * Proposes the text tokens that follow the best match of the generated tail. Tokens are compared by their text
 * without surrounding spaces, because the mention's first token is encoded on its own ("Ines") while the text has
 * it after a space (" Ines"). Where the text repeats the token, the occurrence whose preceding tokens match more
 * of the generated ones wins, the earliest on a tie.
 */
export class TextDrafter {
  private readonly keys: string[];
  private readonly byKey = new Map<string, number[]>();
  private readonly keyCache = new Map<number, string>();

  constructor(private readonly textIds: readonly number[], private readonly decode: (ids: readonly number[]) => string,
    private readonly maxTokens: number) {
    this.keys = textIds.map((id) => this.key(id));
    this.keys.forEach((k, i) => { if (k !== '') this.byKey.set(k, [...(this.byKey.get(k) ?? []), i]); });
  }

  /** Up to maxTokens text ids to verify after `generated`; [] when its last token is not in the text. */
  propose(generated: readonly number[]): number[] {
    if (this.maxTokens <= 0 || generated.length === 0) return [];
    const last = this.key(generated[generated.length - 1]);
    let best = -1;
    let bestRun = -1;
    for (const at of this.byKey.get(last) ?? []) {
      let run = 0;
      while (run + 1 < generated.length && at - run - 1 >= 0 &&
        this.keys[at - run - 1] === this.key(generated[generated.length - run - 2])) run++;
      if (run > bestRun) { best = at; bestRun = run; }
    }
    return best < 0 ? [] : this.textIds.slice(best + 1, best + 1 + this.maxTokens);
  }

  private key(id: number): string {
    let k = this.keyCache.get(id);
    if (k === undefined) {
      k = this.decode([id]).trim();
      this.keyCache.set(id, k);
    }
    return k;
  }
}
