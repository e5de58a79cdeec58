// Turns the `ar_item` template into a global regex with named groups `label` and `mention`.

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function arItemRegExp(template: string, labels: readonly string[]): RegExp {
  const labelAlt = [...labels].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  let src = '';
  let last = 0;
  const re = /\{(\w+)\}/g;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    src += escapeRegExp(template.slice(last, m.index));
    if (m[1] === 'label') src += `(?<label>${labelAlt})`;
    else if (m[1] === 'mention') src += '(?<mention>[^\\n]*?)';
    else src += '[^\\n]*?';
    last = m.index + m[0].length;
  }
  const tail = template.slice(last);
  // The last item may end at EOS without its trailing newline.
  src += tail.endsWith('\n') ? `(?:${escapeRegExp(tail)}|$)` : escapeRegExp(tail);
  return new RegExp(`(?<=^|\\n)${src}`, 'dgu');
}
