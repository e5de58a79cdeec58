// One text through the engine: whole when it fits the model's window, else as sentence-aware chunks whose entities
// are merged back into document offsets.
import type { Engine, Entity } from '../engine/types.js';
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
}

/** Can `text` exceed the window? Tokens never outnumber UTF-8 bytes (plus a possible prefix token). */
const mayExceed = (text: string, maxTokens: number) => Buffer.byteLength(text) + 2 > maxTokens;

export async function annotateDocument(engine: Engine, text: string, labels?: string[]): Promise<DocumentResult> {
  const max = engine.model.maxTextTokens;
  if (!mayExceed(text, max) || await engine.countTokens(text) <= max) {
    try {
      const { entities, stats } = await engine.annotate({ text, labels });
      return { entities, decodeMs: stats.decodeMs, queueMs: stats.queueMs, chunks: 1 };
    } catch (error) {
      if (!(error instanceof TextTooLongError)) throw error;
    }
  }
  const chunks = await splitText(text, max, (t) => engine.countTokens(t));
  const results = await Promise.all(chunks.map((chunk) => engine.annotate({ text: chunk.text, labels })));
  return {
    entities: mergeChunkEntities(chunks.map((chunk, i) => ({ chunk, entities: results[i].entities })), text.length),
    decodeMs: results.reduce((sum, r) => sum + r.stats.decodeMs, 0),
    queueMs: results[0].stats.queueMs,
    chunks: chunks.length,
  };
}
