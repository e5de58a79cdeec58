// What a decoder asks of the scheduler: rows to run in the next forward pass. Decoders never see ONNX: the KV
// cache is an opaque handle that only reports its length.

export interface KvHandle { readonly length: number }

export interface StepOutput<K> {
  /** Logits at the row's last input token, or at the last of its logitsAt (valid only during the callback); empty
   * when the row asked for none. */
  logits: Float32Array;
  /** [logitsAt.length * vocab], in logitsAt's order, when the row gave logitsAt. */
  logitsAt?: Float32Array;
  kv: K;
}

export interface StepRow<K> {
  tokens: number[];
  past: K | null;
  /** Input positions whose logits the row reads, ascending; default the last. [] for none (a prefix others fork),
   * which lets models that take logits_positions skip the LM head there. */
  logitsAt?: number[];
  done(out: StepOutput<K>): void;
}

/** A mention as generated, before alignment: k-th under its label, k from 1. */
export interface GeneratedMention {
  label: string;
  k: number;
  text: string;
  score: number;
}

export interface DecodeTask<K> {
  /** Rows that became ready since the last call; each is handed out once. */
  takeRows(): StepRow<K>[];
  readonly finished: boolean;
  /** Mentions per label in generation order; valid once finished. */
  mentions(): GeneratedMention[];
}

/** What decoders need from the model bundle, without depending on how it is loaded. */
export interface DecodeContext {
  eosId: number;
  newlineId: number;
  limits: { max_count: number; max_count_tokens: number; max_mention_tokens: number; max_ar_tokens: number };
  promptPrefix(textIds: number[]): number[];
  labelSuffix(label: string): number[];
  countIds(n: number): number[];
  mentionPrefix(k: number): number[];
  arPrompt(textIds: number[]): number[];
  arItemPattern: string;
  decode(ids: readonly number[]): string;
  /** The count answered by generated step-1 tokens (normally parseCount of their text). */
  readCount(tokens: readonly number[]): number;
  /** When step-1 generation stops (normally countStop over their text). */
  countStop(tokens: readonly number[]): boolean;
  offsets(ids: readonly number[]): Array<[number, number]>;
}

/** Rows queue shared by the decoders. */
export class RowQueue<K> {
  private rows: StepRow<K>[] = [];
  push(row: StepRow<K>): void { this.rows.push(row); }
  take(): StepRow<K>[] { const r = this.rows; this.rows = []; return r; }
}
