// What a decoder asks of the scheduler: rows to run in the next forward pass. Decoders never see ONNX: the KV
// cache is an opaque handle that only reports its length.
import type { PassOutput, PassRow } from '../types/pass.js';

/** A pass row a decoder hands the scheduler, with the callback that takes its output. */
export interface StepRow<K> extends PassRow<K> {
  done(out: PassOutput<K>): void;
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

/** The prompt pieces the decoders assemble; model/templates.ts renders them from padellm.json. */
export interface Prompts {
  /** The prompt up to `{label}`: shared by every label of a message. */
  promptPrefix(textIds: number[]): number[];
  /** `{label}` and the rest of the prompt. */
  labelSuffix(label: string): number[];
  /** The count answer for n, e.g. "2\n". */
  countIds(n: number): number[];
  /** The mention template for k up to `{mention}`. */
  mentionPrefix(k: number): number[];
  arPrompt(textIds: number[]): number[];
  /** The autoregressive answer's item template, e.g. "{label}: {mention}". */
  readonly arItemPattern: string;
}

/** What decoders need from the model bundle, without depending on how it is loaded. */
export interface DecodeContext {
  eosId: number;
  newlineId: number;
  limits: { max_count: number; max_count_tokens: number; max_mention_tokens: number; max_ar_tokens: number };
  prompts: Prompts;
  /** Most text tokens a mention row drafts and verifies in one pass (draft.ts); 0 decodes one token per pass. */
  maxDraftTokens: number;
  /** The parallel decoder's label rows also carry mention row 1 of a count of 1 (parallel.ts). */
  guessFirstMention: boolean;
  /** Step 2 keeps each mention a span of the text (copy-constraint.ts); false decodes plain greedy. */
  mentionsFromText: boolean;
  /** Each label counted n >= 1 also asks for mention n+1, kept when new (parallel.ts: probe). */
  probeNextMention: boolean;
  decode(ids: readonly number[]): string;
  /** Text to token ids without special tokens, as the model's prompts and answers are encoded. */
  encode(text: string): number[];
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
