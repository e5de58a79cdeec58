// Generated mentions -> entities: align each label's mentions to the text, then (optionally) de-duplicate.
// A label's repeat of a string it already found that lands on the same span (or, like it, on none) is the model
// saying the same mention twice (seen as "LOC Malta, LOC Malta" on a text with one Malta): it is dropped.
import type { Entity } from '../types/entity.js';
import { alignLabelMentions } from './align.js';
import { dedup } from './dedup.js';
import type { GeneratedMention } from './task.js';

export function toEntities(
  text: string, mentions: readonly GeneratedMention[], labelOrder: readonly string[], withDedup: boolean,
): { entities: Entity[]; unaligned: number } {
  const entities: Entity[] = [];
  for (const label of labelOrder) {
    const own = mentions.filter((m) => m.label === label);
    const spans = alignLabelMentions(text, own.map((m) => m.text));
    const unique: Entity[] = [];
    own.forEach((m, i) => {
      const s = spans[i];
      const start = s?.start ?? null;
      // A repeat keeps the higher of the two scores, so dedup across labels sees what it saw before the drop.
      const first = unique.find((e) => e.text === m.text && e.start === start);
      if (first) first.score = Math.max(first.score, m.score);
      else unique.push({ label, text: m.text, start, end: s?.end ?? null, score: m.score });
    });
    entities.push(...unique);
  }
  const kept = withDedup ? dedup(entities, labelOrder) : entities;
  const order = new Map(labelOrder.map((l, i) => [l, i]));
  kept.sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity) || order.get(a.label)! - order.get(b.label)!);
  return { entities: kept, unaligned: kept.filter((e) => e.start === null).length };
}
