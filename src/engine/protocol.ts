// Messages between the engine client (main thread) and its worker, and typed errors across the boundary.
import { ConfigError, ModelBundleError, PadellmError, RuntimeError, TextTooLongError, UnknownLabelError } from '../errors.js';
import type { AnnotateRequest, AnnotateResult, ModelInfo } from './types.js';

export type ToWorker =
  | { type: 'annotate'; id: number; request: AnnotateRequest }
  | { type: 'countTokens'; id: number; text: string }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; model: ModelInfo }
  | { type: 'failed'; error: SerializedError }
  | { type: 'result'; id: number; result: AnnotateResult | number }
  | { type: 'error'; id: number; error: SerializedError };

export interface SerializedError {
  code: string;
  name: string;
  message: string;
  tokens?: number;
  maxTokens?: number;
  labels?: string[];
  known?: string[];
}

export function serializeError(err: unknown): SerializedError {
  const e = err as Partial<PadellmError & TextTooLongError & UnknownLabelError>;
  return {
    code: err instanceof PadellmError ? err.code : 'PADELLM_RUNTIME',
    name: e.name ?? 'Error',
    message: e.message ?? String(err),
    tokens: e.tokens, maxTokens: e.maxTokens, labels: e.labels, known: e.known,
  };
}

/** Rebuilds the typed error so callers on the main thread can `instanceof` it. */
export function deserializeError(s: SerializedError): PadellmError {
  if (s.code === 'PADELLM_TEXT_TOO_LONG') return new TextTooLongError(s.tokens!, s.maxTokens!);
  if (s.code === 'PADELLM_UNKNOWN_LABEL') return new UnknownLabelError(s.labels!, s.known!);
  if (s.code === 'PADELLM_RUNTIME') return new RuntimeError(s.message);
  if (s.code === 'PADELLM_MODEL_BUNDLE') return new ModelBundleError(s.message);
  if (s.code === 'PADELLM_CONFIG') return new ConfigError(s.message);
  return new PadellmError(s.code, s.message);
}
