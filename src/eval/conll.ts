// CoNLL-style NER files: one token per line with its tag in the last column, sentences separated by blank lines,
// document-start marker lines (DOC_START) skipped. The sentence text is its tokens joined by single spaces.
import { readFileSync } from 'node:fs';

/** CoNLL-03's document separator line starts with this. */
export const DOC_START = '-DOCSTART-';

export interface GoldEntity { label: string; text: string; start: number; end: number }
export interface ConllSentence { text: string; entities: GoldEntity[] }

export function parseConll(content: string): ConllSentence[] {
  const sentences: ConllSentence[] = [];
  let tokens: string[] = [];
  let tags: string[] = [];
  const flush = () => {
    if (tokens.length > 0) sentences.push(toSentence(tokens, tags));
    tokens = [];
    tags = [];
  };
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0) { flush(); continue; }
    if (line.startsWith(DOC_START)) { flush(); continue; }
    const cols = line.split(/\s+/);
    tokens.push(cols[0]);
    tags.push(cols.length > 1 ? cols[cols.length - 1] : 'O');
  }
  flush();
  return sentences;
}

/** IOB2 spans; an I- tag that does not continue an entity of its type starts one (IOB1 files read right too). */
function toSentence(tokens: string[], tags: string[]): ConllSentence {
  const starts: number[] = [];
  let text = '';
  for (const t of tokens) {
    if (text.length > 0) text += ' ';
    starts.push(text.length);
    text += t;
  }
  const entities: GoldEntity[] = [];
  let open: { label: string; first: number; last: number } | null = null;
  const close = () => {
    if (!open) return;
    const start = starts[open.first];
    const end = starts[open.last] + tokens[open.last].length;
    entities.push({ label: open.label, text: text.slice(start, end), start, end });
    open = null;
  };
  tags.forEach((tag, i) => {
    const m = /^([BIES])-(.+)$/.exec(tag);
    if (!m) { close(); return; }
    const [, kind, label] = m;
    if (kind === 'B' || kind === 'S' || !open || open.label !== label) { close(); open = { label, first: i, last: i }; }
    else open.last = i;
    if (kind === 'S' || kind === 'E') close();
  });
  close();
  return { text, entities };
}

export function readConll(path: string): ConllSentence[] {
  return parseConll(readFileSync(path, 'utf8'));
}
