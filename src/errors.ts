// The one catalogue of error codes. Logs, metrics, dead-letter headers and CLI error lines use `code`, never the
// message text, so every code here is public and stable: add codes, never rename one.

/** An input record that cannot be processed: it goes to the dead-letter topic with one of these. */
export const BAD_INPUT = {
  /** Avro value that is not in the Confluent wire format or does not decode with its writer schema. */
  badAvro: 'PADELLM_BAD_AVRO',
  /** Avro value naming a schema id the registry does not have. */
  unknownSchema: 'PADELLM_UNKNOWN_SCHEMA',
  badJson: 'PADELLM_BAD_JSON',
  badUtf8: 'PADELLM_BAD_UTF8',
  /** Null value, empty text or only whitespace. */
  emptyText: 'PADELLM_EMPTY_TEXT',
  /** Longer than --max-text-chars. */
  textOverCap: 'PADELLM_TEXT_OVER_CAP',
  /** An event without a string `text`, or with fields of the wrong type. */
  missingField: 'PADELLM_MISSING_FIELD',
} as const;

export type BadInputCode = typeof BAD_INPUT[keyof typeof BAD_INPUT];

export type Code = BadInputCode
  | 'PADELLM_CONFIG' | 'PADELLM_MODEL_BUNDLE' | 'PADELLM_UNKNOWN_LABEL' | 'PADELLM_OUTPUT_TOO_LARGE'
  | 'PADELLM_RUNTIME' | 'PADELLM_REGISTRY_UNAVAILABLE' | 'PADELLM_COMMIT_FAILED' | 'PADELLM_STOPPED' | 'PADELLM_INTERNAL'
  /** An error that is not one of ours (a library's), where a code is needed all the same. */
  | 'PADELLM_UNKNOWN';

export class PadellmError extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Settings that fail validation at start, or a deployment that does not match them (a missing input topic). */
export class ConfigError extends PadellmError {
  constructor(message: string, options?: { cause?: unknown }) { super('PADELLM_CONFIG', message, options); }
}

/** A model bundle that is missing files or breaks the decoder contract. */
export class ModelBundleError extends PadellmError {
  constructor(message: string, options?: { cause?: unknown }) { super('PADELLM_MODEL_BUNDLE', message, options); }
}

/** A request naming labels the model does not know: the record is dead-lettered. */
export class UnknownLabelError extends PadellmError {
  constructor(readonly labels: string[], readonly known: string[]) {
    super('PADELLM_UNKNOWN_LABEL', `unknown label(s) ${labels.join(', ')}; the model knows ${known.join(', ')}`);
  }
}

/** The inference worker failed or was closed. */
export class RuntimeError extends PadellmError {
  constructor(message: string, options?: { cause?: unknown }) { super('PADELLM_RUNTIME', message, options); }
}

/** An input record that cannot be processed; it goes to the dead-letter topic with this code. */
export class BadInputError extends PadellmError {
  constructor(code: BadInputCode, message: string, options?: { cause?: unknown }) { super(code, message, options); }
}

/** The schema registry could not be reached or answered with a server error; retried, never dead-lettered. */
export class RegistryUnavailableError extends PadellmError {
  constructor(message: string, options?: { cause?: unknown }) { super('PADELLM_REGISTRY_UNAVAILABLE', message, options); }
}

/** An entity event larger than its topic accepts (a huge text with many entities): the input is dead-lettered. */
export class OutputTooLargeError extends PadellmError {
  constructor(readonly bytes: number, readonly maxBytes: number, topic: string) {
    super('PADELLM_OUTPUT_TOO_LARGE', `the entity event is ${bytes} bytes; ${topic} accepts records up to ${maxBytes}`);
  }
}

/** Work abandoned because the processor is stopping (the reason its retries and waits are aborted with). */
export class StoppedError extends PadellmError {
  constructor(message = 'processor stopping') { super('PADELLM_STOPPED', message); }
}

/** A broken promise inside padellm itself (a call out of order): a bug, never the input's fault. */
export class InternalError extends PadellmError {
  constructor(message: string) { super('PADELLM_INTERNAL', message); }
}

/** Why the output writer refuses appends after a failed commit, until the consumer is rewound (output-writer.ts). */
export class WriterStoppedError extends PadellmError {
  constructor(cause: unknown) {
    super('PADELLM_COMMIT_FAILED', `an earlier commit failed (${(cause as Error)?.message ?? cause}); this output waits for the rewind`,
      { cause });
  }
}

/** Each code's class: errors crossing the worker boundary are rebuilt from it (engine/protocol.ts). */
type ErrorClass = abstract new (...args: never[]) => PadellmError;

export const ERROR_CLASSES: Record<Code, ErrorClass> = {
  ...Object.fromEntries(Object.values(BAD_INPUT).map((code) => [code, BadInputError])) as unknown as Record<BadInputCode, ErrorClass>,
  PADELLM_CONFIG: ConfigError,
  PADELLM_MODEL_BUNDLE: ModelBundleError,
  PADELLM_UNKNOWN_LABEL: UnknownLabelError,
  PADELLM_OUTPUT_TOO_LARGE: OutputTooLargeError,
  PADELLM_RUNTIME: RuntimeError,
  PADELLM_REGISTRY_UNAVAILABLE: RegistryUnavailableError,
  PADELLM_COMMIT_FAILED: WriterStoppedError,
  PADELLM_STOPPED: StoppedError,
  PADELLM_INTERNAL: InternalError,
  PADELLM_UNKNOWN: PadellmError,
};

export const codeOf = (error: unknown): Code => (error instanceof PadellmError ? error.code : 'PADELLM_UNKNOWN');

/** Is this a record's own fault? Then it is dead-lettered; anything else fails the batch, which is retried. */
export const isBadInput = (error: unknown): boolean =>
  error instanceof BadInputError || error instanceof UnknownLabelError || error instanceof OutputTooLargeError;
