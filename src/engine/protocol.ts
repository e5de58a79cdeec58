// Messages between the engine client (main thread) and its worker. Errors cross as plain data and are rebuilt as
// their code's class (errors.ts: ERROR_CLASSES), with their fields and causes, so `instanceof` works on this side.
import { ERROR_CLASSES, PadellmError, type Code } from '../errors.js';
import type { ResolvedEngineOptions } from '../config/engine-options.js';
import type { AnnotateRequest, AnnotateResult, ModelInfo } from './types.js';

export type ToWorker = { type: 'annotate'; id: number; request: AnnotateRequest };

export type FromWorker =
  | { type: 'ready'; model: ModelInfo }
  | { type: 'failed'; error: SerializedError }
  | { type: 'result'; id: number; result: AnnotateResult }
  | { type: 'error'; id: number; error: SerializedError };

export type WorkerData = ResolvedEngineOptions;

export interface SerializedError {
  code: Code;
  name: string;
  message: string;
  stack?: string;
  /** The error's own fields (UnknownLabelError's labels, say). */
  fields: Record<string, unknown>;
  cause?: SerializedError;
}

/** A failure in the worker that is not one of ours (ONNX Runtime's, say) is a RuntimeError; a cause keeps its kind. */
export function serializeError(err: unknown, foreign: Code = 'PADELLM_RUNTIME'): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  // Own enumerable fields only: message and stack are not enumerable and are sent on their own.
  const { cause, code, name, ...fields } = { ...e } as Record<string, unknown>;
  return {
    code: err instanceof PadellmError ? err.code : foreign,
    name: e.name, message: e.message, stack: e.stack, fields,
    cause: e.cause === undefined ? undefined : serializeError(e.cause, 'PADELLM_UNKNOWN'),
  };
}

/** The typed error again: its code's class, built without its constructor so every field comes back as it was. */
export function deserializeError(s: SerializedError): PadellmError {
  const cls = ERROR_CLASSES[s.code] ?? PadellmError;
  const err = Object.create(cls.prototype) as PadellmError;
  Object.assign(err, s.fields, { code: s.code, name: s.name, message: s.message, stack: s.stack });
  if (s.cause) Object.defineProperty(err, 'cause', { value: deserializeError(s.cause), writable: true, configurable: true });
  return err;
}
