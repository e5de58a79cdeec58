// Forward passes that read logits at chosen positions: the same numbers whether the model computes only those
// positions (logits_positions, the embedded model) or all of them (plain Optimum exports, the fixtures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBundle } from '../../src/model/bundle.js';
import { openSession } from '../../src/runtime/session.js';
import { FIXTURES, TRAINED } from '../helpers/fixtures.js';

async function open(dir: string) {
  const bundle = loadBundle(dir);
  const opened = await openSession(bundle.modelPath('fp32'), bundle.config.architecture, bundle.config.tokens.pad_id, { intraOpThreads: 1 });
  return { forward: opened.forward, layout: opened.layout };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

for (const [dir, gathers] of [[TRAINED, true], [FIXTURES[0], false]] as const) {
  test(`logitsAt reads the asked positions (${dir.split('/').at(-1)}, logits_positions: ${gathers})`, async () => {
    const { forward, layout } = await open(dir);
    assert.equal(layout.hasLogitsPositions, gathers);
    const vocab = layout.vocabSize;
    const tokens = [5, 17, 42, 9, 300];
    // One at a time from scratch: the reference logits after each prefix.
    const reference: Float32Array[] = [];
    for (let n = 1; n <= tokens.length; n++) {
      const [out] = await forward([{ tokens: tokens.slice(0, n), past: null }]);
      reference.push(Float32Array.from(out.logits));
    }
    // A batch mixing a row that reads two positions, one that reads none and a default row of another length.
    const [two, none, plain] = await forward([
      { tokens, past: null, logitsAt: [1, 4] },
      { tokens, past: null, logitsAt: [] },
      { tokens: tokens.slice(0, 3), past: null },
    ]);
    assert.equal(two.logitsAt!.length, 2 * vocab);
    assert.ok(maxDiff(two.logitsAt!.subarray(0, vocab), reference[1]) < 1e-4);
    assert.ok(maxDiff(two.logitsAt!.subarray(vocab), reference[4]) < 1e-4);
    assert.ok(maxDiff(two.logits, reference[4]) < 1e-4);
    assert.equal(none.logits.length, 0);
    assert.equal(none.logitsAt!.length, 0);
    assert.equal(none.kv.length, tokens.length);
    assert.ok(maxDiff(plain.logits, reference[2]) < 1e-4);
    assert.equal(plain.logitsAt, undefined);
  });
}

test('a cache cut to a prefix gives the logits of that prefix, and growing it leaves the longer cache intact', async () => {
  const { forward } = await open(FIXTURES[0]);
  const tokens = [5, 17, 42, 9, 300];
  const [whole] = await forward([{ tokens, past: null }]);
  const [three] = await forward([{ tokens: tokens.slice(0, 3), past: null }]);
  const cut = whole.kv.prefix(3);
  assert.equal(cut.length, 3);
  const [again] = await forward([{ tokens: [7], past: cut }]);
  const [fresh] = await forward([{ tokens: [7], past: three.kv }]);
  assert.ok(maxDiff(again.logits, fresh.logits) < 1e-4);
  const [longer] = await forward([{ tokens: [7], past: whole.kv }]);
  const [reference] = await forward([{ tokens: [...tokens, 7], past: null }]);
  assert.ok(maxDiff(longer.logits, reference.logits) < 1e-4, 'positions past the cut were not overwritten');
});
