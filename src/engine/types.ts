// The contract between the transport (Kafka) side and the decoding engine.
// The engine runs its ONNX session in a worker thread; every method here is async and never blocks the loop.

export interface Entity {
  label: string;
  text: string;
  /** UTF-16 character offsets into the request text; null when the mention could not be aligned. */
  start: number | null;
  end: number | null;
  /** Product of the mention's token probabilities (EOS excluded). */
  score: number;
}

export type DecoderKind = 'parallel' | 'autoregressive' | 'reference';

export interface AnnotateRequest {
  text: string;
  /** Subset of the model's labels; all labels when absent. */
  labels?: string[];
  decoder?: DecoderKind;
}

export interface AnnotateStats {
  /** Tokens fed through the model for this request (prefill + decode). */
  tokensForwarded: number;
  /** Forward passes this request took part in. */
  passes: number;
  /** Wall time from admission to completion, ms. */
  decodeMs: number;
  /** Wall time waiting before the first forward pass, ms. */
  queueMs: number;
  /** Entities whose text could not be aligned to the input. */
  unaligned: number;
}

export interface AnnotateResult {
  entities: Entity[];
  stats: AnnotateStats;
}

export interface ModelInfo {
  name: string;
  version: string;
  labels: string[];
  /** Longest text, in tokens, the engine accepts in one request (window minus templates and answers). */
  maxTextTokens: number;
  executionProvider: string;
}

export interface Engine {
  readonly model: ModelInfo;
  annotate(request: AnnotateRequest): Promise<AnnotateResult>;
  /** Number of tokens `text` encodes to, for chunking long documents. */
  countTokens(text: string): Promise<number>;
  /** Requests admitted but not finished. */
  inflight(): number;
  close(): Promise<void>;
}

/** Scheduler defaults for the EngineOptions left unset. No wait for company: with continuous batching a request that
 * arrives during a pass joins the next one anyway, while a timer wait costs every lone request 2-4 ms (measured:
 * 3.6 ms per message at batch 1 with 2 ms). */
export const DEFAULTS = { maxRowsPerPass: 64, maxTokensPerPass: 4096, maxWaitMs: 0 } as const;

export interface EngineOptions {
  /** Folder holding padellm.json, tokenizer.json and the ONNX model(s). */
  modelDir: string;
  variant?: 'fp32' | 'int8';
  /** Tried in order; the first that loads is used and logged. */
  executionProviders?: string[];
  intraOpThreads?: number;
  interOpThreads?: number;
  /** Let idle intra-op threads spin waiting for work (ONNX Runtime's default). Off by default: spinning burns CPU that
   * the Kafka client and neighbouring pods need, and it bought no throughput on the embedded model. */
  intraOpSpinning?: boolean;
  /** Scheduler: most rows (sequences) in one forward pass. */
  maxRowsPerPass?: number;
  /** Scheduler: most input tokens in one forward pass. */
  maxTokensPerPass?: number;
  /** Scheduler: how long the first queued request may wait for company before a pass starts, ms. */
  maxWaitMs?: number;
}

// Added by the engine: optional fields (defaults keep the contract above unchanged).
export interface ModelInfo {
  /** Execution providers tried before the one used, each with why it did not load (for the start-up log). */
  skippedProviders?: string[];
}

export interface AnnotateRequest {
  /** Apply PaDeLLM de-duplication across labels (default true). Evaluation turns it off to measure both ways. */
  dedup?: boolean;
}
