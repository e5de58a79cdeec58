// Maps generated mention strings back to character offsets in the input text.
import { escapeRegExp } from './template-pieces.js';

export interface Span { start: number; end: number }

// Scripts written without spaces: a match there needs no word boundary.
const unspaced = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;
const wordChar = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && wordChar.test(c) && !unspaced.test(c);
}

/** A match that does not cut a word in two ("York" inside "Yorkshire"). */
function onBoundaries(text: string, start: number, end: number): boolean {
  const cut = (i: number) => i > 0 && i < text.length && isWordChar(text[i - 1]) && isWordChar(text[i]);
  return !cut(start) && !cut(end);
}

/** Candidate occurrences of `mention`, exact first, then ignoring case and whitespace differences. */
function occurrences(text: string, mention: string): Span[][] {
  const exact: Span[] = [];
  for (let i = text.indexOf(mention); i >= 0; i = text.indexOf(mention, i + 1)) {
    exact.push({ start: i, end: i + mention.length });
  }
  const loose: Span[] = [];
  const parts = mention.trim().split(/\s+/).filter(Boolean).map(escapeRegExp);
  if (parts.length > 0) {
    const re = new RegExp(parts.join('\\s*'), 'giu');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      loose.push({ start: m.index, end: m.index + m[0].length });
      re.lastIndex = m.index + 1;
    }
  }
  return [exact, loose];
}

/**
 * Aligns one label's mentions, given in the order generated (k = 1..n). Each takes the first occurrence at or
 * after the end of the previous aligned mention of the same label, preferring whole-word matches; failing that,
 * any occurrence (the model may list out of order). Null when the string is not in the text at all.
 */
export function alignLabelMentions(text: string, mentions: readonly string[]): Array<Span | null> {
  let cursor = 0;
  return mentions.map((mention) => {
    if (mention.trim().length === 0) return null;
    for (const candidates of occurrences(text, mention)) {
      if (candidates.length === 0) continue;
      const whole = candidates.filter((s) => onBoundaries(text, s.start, s.end));
      const pick =
        whole.find((s) => s.start >= cursor) ?? candidates.find((s) => s.start >= cursor) ?? whole[0] ?? candidates[0];
      cursor = Math.max(cursor, pick.end);
      return pick;
    }
    return null;
  });
}
