// Entities of a chunked document: offsets moved into the document, duplicates from the overlaps removed.
import type { Entity } from '../types/entity.js';
import type { Chunk } from './split.js';

export interface ChunkEntities {
  chunk: Chunk;
  entities: Entity[];
}

interface Placed extends Entity {
  /** The span touches a cut inside the document: the mention may be truncated there. */
  atSeam: boolean;
}

const overlaps = (a: Entity, b: Entity) => a.start! < b.end! && b.start! < a.end!;

/**
 * Entities with document offsets, each span once. A span found by several chunks keeps its best score; a span that
 * touches a chunk's cut yields to an overlapping one of its label found whole in the neighbouring chunk (or,
 * when both touch cuts, to the longer). Unaligned mentions
 * (null offsets) are kept once per (label, text) unless an aligned one says the same.
 */
export function mergeChunkEntities(parts: ChunkEntities[], documentLength: number): Entity[] {
  const aligned = new Map<string, Placed>();
  const unaligned = new Map<string, Entity>();
  for (const { chunk, entities } of parts) {
    for (const e of entities) {
      if (e.start === null || e.end === null) {
        const key = `${e.label}\u0000${e.text}`;
        if ((unaligned.get(key)?.score ?? -1) < e.score) unaligned.set(key, e);
        continue;
      }
      const placed: Placed = { ...e, start: e.start + chunk.start, end: e.end + chunk.start,
        atSeam: (e.start === 0 && chunk.start > 0) || (e.end + chunk.start === chunk.end && chunk.end < documentLength) };
      const key = `${placed.start}:${placed.end}`;
      const seen = aligned.get(key);
      if (!seen) aligned.set(key, placed);
      else aligned.set(key, { ...(seen.score >= placed.score ? seen : placed), atSeam: seen.atSeam && placed.atSeam });
    }
  }
  const spans = [...aligned.values()];
  const length = (e: Entity) => e.end! - e.start!;
  const kept = spans.filter((e) => !e.atSeam || !spans.some((o) => o !== e && o.label === e.label && overlaps(o, e) &&
    (!o.atSeam || length(o) > length(e))));
  const texts = new Set(kept.map((e) => `${e.label}\u0000${e.text}`));
  const result: Entity[] = kept.map(({ atSeam: _, ...e }) => e).sort((a, b) => a.start! - b.start! || a.end! - b.end!);
  for (const [key, e] of unaligned) if (!texts.has(key)) result.push(e);
  return result;
}
