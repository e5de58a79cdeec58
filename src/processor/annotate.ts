// One text through the engine: whole when it fits the model's window, else as sentence-aware chunks whose entities
// are merged back into document offsets.
import type { DecoderKind, Engine, Entity } from '../engine/types.js';
import { TextTooLongError } from '../errors.js';
import { splitText } from '../chunking/split.js';
import { mergeChunkEntities } from '../chunking/merge.js';

export interface DocumentResult {
  entities: Entity[];
  /** Engine time, summed over chunks. */
  decodeMs: number;
  /** Engine queue time of the first chunk. */
  queueMs: number;
  chunks: number;
  /** Entities the engine could not align to the text, summed over chunks. */
  unaligned: number;
}

export interface DocumentOptions {
  labels?: string[];
  decoder?: DecoderKind;
  /** Cross-label dedup inside each chunk (default true); eval turns it off to score both ways. */
  dedup?: boolean;
}

/** Can `text` exceed the window? Tokens never outnumber UTF-8 bytes (plus a possible prefix token). */
const mayExceed = (text: string, maxTokens: number) => Buffer.byteLength(text) + 2 > maxTokens;

export async function annotateDocument(engine: Engine, text: string, options: DocumentOptions = {}): Promise<DocumentResult> {
  const max = engine.model.maxTextTokens;
  const { labels, decoder, dedup } = options;
  if (!mayExceed(text, max) || await engine.countTokens(text) <= max) {
    try {
      const { entities, stats } = await engine.annotate({ text, labels, decoder, dedup });
      return { entities, decodeMs: stats.decodeMs, queueMs: stats.queueMs, chunks: 1, unaligned: stats.unaligned };
    } catch (error) {
      if (!(error instanceof TextTooLongError)) throw error;
    }
  }
  const chunks = await splitText(text, max, (t) => engine.countTokens(t));
  const results = await Promise.all(chunks.map((chunk) => engine.annotate({ text: chunk.text, labels, decoder, dedup })));
  return {
    entities: mergeChunkEntities(chunks.map((chunk, i) => ({ chunk, entities: results[i].entities })), text.length),
    decodeMs: results.reduce((sum, r) => sum + r.stats.decodeMs, 0),
    queueMs: results[0].stats.queueMs,
    chunks: chunks.length,
    unaligned: results.reduce((sum, r) => sum + r.stats.unaligned, 0),
  };
}
