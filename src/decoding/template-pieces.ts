// The two pattern helpers the templates and the text matchers share.

export type Piece = { literal: string } | { placeholder: string };

/** A padellm.json template as literal text and `{name}` placeholders, in order. */
export function splitTemplate(template: string): Piece[] {
  const pieces: Piece[] = [];
  const re = /\{(\w+)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) pieces.push({ literal: template.slice(last, m.index) });
    pieces.push({ placeholder: m[1] });
    last = m.index + m[0].length;
  }
  if (last < template.length) pieces.push({ literal: template.slice(last) });
  return pieces;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
