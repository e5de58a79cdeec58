// Copy drafts for mention decoding: a mention is almost always a span of the text, so the text that follows the
// generated part, tokenized, is a good guess of what greedy decoding will write next (prompt lookup).

const wordChar = /[\p{L}\p{N}\p{M}]/u;

/** Text characters tokenized per proposal and draft token: more than any token of a BPE vocabulary spans. */
const CHARS_PER_TOKEN = 16;

/**
 * Proposes the tokens of the text that follows the generated part of a mention. The match is on characters, not
 * token ids: a mention is tokenized on its own, so its tokens often split a word differently from the text's ("Ar" +
 * "ctic" against " Arctic"), and only the characters line up. When the whole generated part is not in the text (the
 * model wrote "Marina" for "Mara"), its longest tail of whole tokens that is takes its place, so drafting resumes
 * once the mention is back on the text.
 */
export class TextDrafter {
  /** Draft tokens by the character position they start from: rows of one message share them. */
  private readonly after = new Map<number, number[]>();

  constructor(private readonly text: string, private readonly encode: (text: string) => number[],
    private readonly decode: (ids: readonly number[]) => string, private readonly maxTokens: number) {}

  /** Up to maxTokens token ids to verify after `generated`; [] when no tail of it is in the text. */
  propose(generated: readonly number[]): number[] {
    if (this.maxTokens <= 0) return [];
    for (let from = 0; from < generated.length; from++) {
      const written = this.decode(generated.slice(from)).trimStart();
      if (written.length === 0) continue;
      const at = this.find(written);
      if (at >= 0) return this.tokensFrom(at + written.length);
    }
    return [];
  }

  /**
   * Where `written` best matches: at the start of a word that is not the text's first, else at the first word,
   * else inside a word; the earliest of each kind. The first word is capitalized whether or not it is a name, so a
   * short piece ("T") matching it and a later word ("Tromso") is more likely the later one.
   */
  private find(written: string): number {
    let first = -1;
    let inside = -1;
    for (let i = this.text.indexOf(written); i >= 0; i = this.text.indexOf(written, i + 1)) {
      const wordStart = i === 0 || !wordChar.test(this.text[i - 1]);
      if (wordStart && /\S/.test(this.text.slice(0, i))) return i;
      if (wordStart) first = i;
      else if (inside < 0) inside = i;
    }
    return first >= 0 ? first : inside;
  }

  private tokensFrom(pos: number): number[] {
    let ids = this.after.get(pos);
    if (ids === undefined) {
      const rest = this.text.slice(pos, pos + this.maxTokens * CHARS_PER_TOKEN);
      ids = rest.length === 0 ? [] : this.encode(rest).slice(0, this.maxTokens);
      this.after.set(pos, ids);
    }
    return ids;
  }
}
