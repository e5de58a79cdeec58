// The tokenization rule of models/README.md: every literal piece of a template and every placeholder value is
// tokenized on its own and the ids are concatenated, so prefixes can be shared exactly.
import type { PadellmConfig } from './bundle.js';
import type { TextTokenizer } from './tokenizer.js';
import type { Prompts } from '../decoding/task.js';
import { ModelBundleError } from '../errors.js';
import { splitTemplate, type Piece } from '../decoding/template-pieces.js';

export { splitTemplate };

export class Templates implements Prompts {
  private readonly prompt: Piece[];
  private readonly labelAt: number;
  private readonly suffixByLabel = new Map<string, number[]>();

  constructor(private readonly config: PadellmConfig, private readonly tokenizer: TextTokenizer) {
    this.prompt = splitTemplate(config.templates.prompt);
    this.labelAt = this.prompt.findIndex((p) => 'placeholder' in p && p.placeholder === 'label');
  }

  /** Ids of `pieces` with each placeholder's value given as ids (pre-tokenized text) or a string. */
  private render(pieces: Piece[], values: Record<string, number[] | string>): number[] {
    const ids: number[] = [];
    for (const p of pieces) {
      if ('literal' in p) { ids.push(...this.tokenizer.encodePiece(p.literal)); continue; }
      const v = values[p.placeholder];
      if (v === undefined) throw new ModelBundleError(`template placeholder {${p.placeholder}} has no value`);
      ids.push(...(typeof v === 'string' ? this.tokenizer.encodePiece(v) : v));
    }
    return ids;
  }

  private withBos(ids: number[]): number[] {
    const bos = this.config.tokens.bos_id;
    return bos === null ? ids : [bos, ...ids];
  }

  /** The prompt up to (not including) `{label}`: shared by every label of a message. */
  promptPrefix(textIds: number[]): number[] {
    return this.withBos(this.render(this.prompt.slice(0, this.labelAt), { text: textIds }));
  }

  /** `{label}` and the rest of the prompt. */
  labelSuffix(label: string): number[] {
    let ids = this.suffixByLabel.get(label);
    if (!ids) {
      ids = this.render(this.prompt.slice(this.labelAt), { label });
      this.suffixByLabel.set(label, ids);
    }
    return ids;
  }

  /** The whole step-1 prompt, for decoders that do not share prefixes. */
  fullPrompt(textIds: number[], label: string): number[] {
    return [...this.promptPrefix(textIds), ...this.labelSuffix(label)];
  }

  /** `count` template for n, e.g. "2\n". */
  countIds(n: number): number[] {
    return this.render(splitTemplate(this.config.templates.count), { count: String(n) });
  }

  /** `mention` template for k up to `{mention}`, e.g. "<mention 2>". */
  mentionPrefix(k: number): number[] {
    const pieces = splitTemplate(this.config.templates.mention);
    return this.render(pieces.slice(0, pieces.length - 1), { k: String(k) });
  }

  get arItemPattern(): string {
    return this.config.templates.ar_item;
  }

  arPrompt(textIds: number[]): number[] {
    return this.withBos(this.render(splitTemplate(this.config.templates.ar_prompt), { text: textIds }));
  }

  /** Token count the prompt adds around the text in the longest request, for the window check. */
  overheadTokens(labels: readonly string[]): number {
    const prefix = this.promptPrefix([]).length;
    const suffix = Math.max(...labels.map((l) => this.labelSuffix(l).length));
    const count = this.countIds(this.config.limits.max_count).length;
    const mention = this.mentionPrefix(this.config.limits.max_count).length + this.config.limits.max_mention_tokens;
    const parallel = prefix + suffix + count + mention;
    const ar = this.arPrompt([]).length + this.config.limits.max_ar_tokens;
    return Math.max(parallel, ar);
  }
}
