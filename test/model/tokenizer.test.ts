import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBundle } from '../../src/model/bundle.js';
import { TextTokenizer } from '../../src/model/tokenizer.js';
import { Templates, splitTemplate } from '../../src/model/templates.js';
import { FIXTURES } from '../helpers/fixtures.js';

const bundle = loadBundle(FIXTURES[0]);
const tok = new TextTokenizer(bundle.tokenizerJson, bundle.tokenizerConfig);

test('non-Latin text (Chinese, Greek, emoji, accents) encodes and decodes back exactly', () => {
  for (const text of ['李明在北京见到了王芳。', 'Ο Γιώργος ταξίδεψε στη Θεσσαλονίκη.', 'Launch 🎉🚀 at Zürich, São Paulo', 'a\nb\tc']) {
    const ids = tok.encode(text);
    assert.ok(ids.length > 0);
    assert.equal(tok.decode(ids), text);
  }
  assert.deepEqual(tok.encode(''), []);
});

test('offsets cover the decoded text; multi-byte characters go to the token that completes them', () => {
  const text = 'Ελλάδα 😀 Oslo';
  const ids = tok.encode(text);
  const offsets = tok.offsets(ids);
  assert.equal(offsets.length, ids.length);
  assert.equal(offsets[offsets.length - 1][1], text.length);
  let prev = 0;
  for (const [s, e] of offsets) {
    assert.equal(s, prev);
    assert.ok(e >= s);
    prev = e;
  }
  assert.equal(offsets.map(([s, e]) => text.slice(s, e)).join(''), text);
});

test('templates split into literal pieces and placeholders', () => {
  assert.deepEqual(splitTemplate('text:\n{text}\nentity type:\n{label}\n\n<num>'), [
    { literal: 'text:\n' }, { placeholder: 'text' }, { literal: '\nentity type:\n' }, { placeholder: 'label' },
    { literal: '\n\n<num>' },
  ]);
});

test('prompt = prefix + label suffix, each piece tokenized on its own', () => {
  const t = new Templates(bundle.config, tok);
  const textIds = tok.encode('Mara flew to Oslo.');
  const full = t.fullPrompt(textIds, 'LOC');
  assert.deepEqual(full, [...tok.encode('text:\n'), ...textIds, ...tok.encode('\nentity type:\n'), ...tok.encode('LOC'), ...tok.encode('\n\n<num>')]);
  assert.deepEqual(t.promptPrefix(textIds), full.slice(0, full.length - t.labelSuffix('LOC').length));
  assert.deepEqual(t.countIds(12), [...tok.encode('12'), ...tok.encode('\n')]);
  assert.deepEqual(t.mentionPrefix(3), [...tok.encode('<mention '), ...tok.encode('3'), ...tok.encode('>')]);
  assert.deepEqual(t.arPrompt(textIds), [...tok.encode('text:\n'), ...textIds, ...tok.encode('\nentities:\n')]);
  assert.equal(tok.decode(full), 'text:\nMara flew to Oslo.\nentity type:\nLOC\n\n<num>');
});
