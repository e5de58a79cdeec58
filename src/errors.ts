// Typed errors with stable codes: logs, metrics and dead-letter headers use `code`, never the message text.

export class PadellmError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Settings that fail validation at start. */
export class ConfigError extends PadellmError {
  constructor(message: string, options?: { cause?: unknown }) { super('PADELLM_CONFIG', message, options); }
}

/** A model bundle that is missing files or breaks the decoder contract. */
export class ModelBundleError extends PadellmError {
  constructor(message: string, options?: { cause?: unknown }) { super('PADELLM_MODEL_BUNDLE', message, options); }
}

/** Text that encodes to more tokens than the model's window allows in one request. */
export class TextTooLongError extends PadellmError {
  constructor(readonly tokens: number, readonly maxTokens: number) {
    super('PADELLM_TEXT_TOO_LONG', `text encodes to ${tokens} tokens, the model accepts at most ${maxTokens}`);
  }
}

/** A request naming labels the model does not know. */
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
  constructor(code: string, message: string, options?: { cause?: unknown }) { super(code, message, options); }
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
