// One forward pass, as the decoders, the scheduler and the runtime all see it: rows of new tokens, each extending
// its own KV cache. The cache is an opaque handle above runtime/: decoders only read its length.

export interface KvHandle {
  readonly length: number;
  /** The same cache cut to its first `length` positions: drafted tokens that verification rejected are dropped. */
  prefix(length: number): KvHandle;
}

export interface PassRow<K> {
  tokens: readonly number[];
  past: K | null;
  /** Input positions whose logits the row reads, ascending; default the last. [] for none (a prefix others fork),
   * which lets models that take logits_positions skip the LM head there. */
  logitsAt?: readonly number[];
}

export interface PassOutput<K> {
  /** Logits at the row's last input token, or at the last of its logitsAt: a view valid until the next pass; empty
   * when the row asked for none. */
  logits: Float32Array;
  /** [logitsAt.length * vocab], in logitsAt's order, when the row gave logitsAt. */
  logitsAt?: Float32Array;
  /** The row's cache extended by its tokens. */
  kv: K;
}

/** Runs one pass over rows of different past and input lengths; outputs in the rows' order. */
export type RunPass<K> = (rows: readonly PassRow<K>[]) => Promise<PassOutput<K>[]>;
