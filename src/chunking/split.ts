// Splits a document longer than the model's window into chunks of whole sentences (Intl.Segmenter), each within
// the token budget, consecutive chunks sharing their seam sentence so an entity cut by one chunk is whole in the next.

export interface Chunk {
  /** UTF-16 offset of the chunk in the document. */
  start: number;
  end: number;
  text: string;
}

/** Tokens `text` encodes to: the engine's own tokenizer, in the worker, so counting costs no round trip. */
type CountTokens = (text: string) => number;

interface Piece { start: number; end: number; tokens: number }

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const words = new Intl.Segmenter('en', { granularity: 'word' });

function spans(segmenter: Intl.Segmenter, text: string, offset: number): { start: number; end: number }[] {
  return [...segmenter.segment(text)].map((s) => ({ start: offset + s.index, end: offset + s.index + s.segment.length }));
}

/** Pieces (sentences; words of a sentence too long alone; characters of a word too long alone), each within budget. */
function pieces(text: string, start: number, end: number, maxTokens: number, count: CountTokens,
  level: 0 | 1 | 2): Piece[] {
  const tokens = count(text.slice(start, end));
  if (tokens <= maxTokens) return [{ start, end, tokens }];
  if (level === 2) {
    // One "word" over budget (a run without spaces): halve it until it fits.
    const mid = start + Math.ceil((end - start) / 2);
    return [...pieces(text, start, mid, maxTokens, count, 2), ...pieces(text, mid, end, maxTokens, count, 2)];
  }
  const parts = spans(level === 0 ? sentences : words, text.slice(start, end), start);
  if (parts.length <= 1) return pieces(text, start, end, maxTokens, count, level === 0 ? 1 : 2);
  const out: Piece[] = [];
  for (const part of parts) out.push(...pieces(text, part.start, part.end, maxTokens, count, level === 0 ? 1 : 2));
  return out;
}

/**
 * Chunks covering `text`, each encoding to at most `maxTokens` tokens. Consecutive chunks overlap by the last
 * `overlap` pieces of the earlier one (when it has more than that, so every chunk makes progress).
 */
export function splitText(text: string, maxTokens: number, count: CountTokens, overlap = 1): Chunk[] {
  const all = pieces(text, 0, text.length, maxTokens, count, 0);
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < all.length) {
    // Grow by the pieces' own counts, then check the joined text: tokens may merge or split at the joins.
    let last = first;
    let estimate = all[first].tokens;
    while (last + 1 < all.length && estimate + all[last + 1].tokens <= maxTokens) estimate += all[++last].tokens;
    while (last > first && count(text.slice(all[first].start, all[last].end)) > maxTokens) last--;
    const chunk = { start: all[first].start, end: all[last].end };
    chunks.push({ ...chunk, text: text.slice(chunk.start, chunk.end) });
    if (last + 1 >= all.length) break;
    first = last + 1 - first > overlap ? last + 1 - overlap : last + 1;
  }
  return chunks;
}
