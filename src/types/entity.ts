// What the engine finds and the output event carries: made in decoding/, merged in chunking/, written by serde/.

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
