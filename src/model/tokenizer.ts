// Wraps @huggingface/tokenizers: encode without special tokens, decode, and character offsets.
import { Tokenizer } from '@huggingface/tokenizers';

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly pieceCache = new Map<string, number[]>();

  constructor(tokenizerJson: object, tokenizerConfig: object = {}) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  }

  encode(text: string): number[] {
    if (text.length === 0) return [];
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** Encode for constant strings (template pieces, labels, digits), memoised. */
  encodePiece(text: string): number[] {
    let ids = this.pieceCache.get(text);
    if (!ids) {
      ids = this.encode(text);
      this.pieceCache.set(text, ids);
    }
    return ids;
  }

  decode(ids: readonly number[]): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  }

  /**
   * [start, end) character range of each token in decode(ids). The library gives no offsets, so they come from
   * decoding growing prefixes: a token that ends inside a multi-byte character (decodes to U+FFFD) gets an empty
   * range and the character goes to the token that completes it.
   */
  offsets(ids: readonly number[]): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let prevLen = 0;
    for (let i = 0; i < ids.length; i++) {
      const prefix = this.decode(ids.slice(0, i + 1));
      if (prefix.endsWith('\uFFFD') && i + 1 < ids.length) {
        out.push([prevLen, prevLen]);
        continue;
      }
      out.push([prevLen, Math.max(prevLen, prefix.length)]);
      prevLen = Math.max(prevLen, prefix.length);
    }
    return out;
  }

  get vocabSize(): number {
    return this.tokenizer.get_vocab(true).size;
  }
}
