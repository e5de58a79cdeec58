// The contract between the transport (Kafka) side and the decoding engine.
// The engine runs its ONNX session in a worker thread; every method here is async and never blocks the loop.
import type { DecoderKind, Entity } from '../types/entity.js';

export type { DecoderKind, Entity } from '../types/entity.js';
export type { EngineOptions } from '../config/engine-options.js';

/** One document: a text of any length (longer than the window, it is chunked by sentences inside the engine). */
export interface AnnotateRequest {
  text: string;
  /** Subset of the model's labels; all labels when absent, none (no entities) when empty. */
  labels?: string[];
  decoder?: DecoderKind;
  /** Apply PaDeLLM de-duplication across labels (default true). Evaluation turns it off to measure both ways. */
  dedup?: boolean;
}

export interface AnnotateStats {
  /** Tokens fed through the model for this request (prefill + decode), over all chunks. */
  tokensForwarded: number;
  /** Forward passes this request took part in, over all chunks. */
  passes: number;
  /** Wall time from admission to completion, ms, summed over chunks. */
  decodeMs: number;
  /** Wall time waiting before the first forward pass, ms (of the first chunk). */
  queueMs: number;
  /** Entities whose text could not be aligned to the input. */
  unaligned: number;
  /** Window-sized pieces the text was decoded in: 1 unless it was longer than the window. */
  chunks: number;
}

export interface AnnotateResult {
  entities: Entity[];
  stats: AnnotateStats;
}

export interface ModelInfo {
  name: string;
  version: string;
  labels: string[];
  /** Longest text, in tokens, decoded in one piece (window minus templates and answers). */
  maxTextTokens: number;
  executionProvider: string;
  /** Execution providers tried before the one used, each with why it did not load (for the start-up log). */
  skippedProviders?: string[];
}

export interface Engine {
  readonly model: ModelInfo;
  annotate(request: AnnotateRequest): Promise<AnnotateResult>;
  /** Requests admitted but not finished. */
  inflight(): number;
  close(): Promise<void>;
}
