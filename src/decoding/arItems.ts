// Turns the `ar_item` template into a global regex with named groups `label` and `mention`.
import { escapeRegExp, splitTemplate } from './template-pieces.js';

export function arItemRegExp(template: string, labels: readonly string[]): RegExp {
  const labelAlt = [...labels].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  const pieces = splitTemplate(template);
  const last = pieces.at(-1);
  const tail = last && 'literal' in last ? last.literal : '';
  let src = '';
  for (const p of tail ? pieces.slice(0, -1) : pieces) {
    if ('literal' in p) src += escapeRegExp(p.literal);
    else if (p.placeholder === 'label') src += `(?<label>${labelAlt})`;
    else if (p.placeholder === 'mention') src += '(?<mention>[^\\n]*?)';
    else src += '[^\\n]*?';
  }
  // The last item may end at EOS without its trailing newline.
  src += tail.endsWith('\n') ? `(?:${escapeRegExp(tail)}|$)` : escapeRegExp(tail);
  return new RegExp(`(?<=^|\\n)${src}`, 'dgu');
}
