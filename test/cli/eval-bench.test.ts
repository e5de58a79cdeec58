// `padellm eval` and `padellm bench` end to end on a small CoNLL file written here, with a fixture model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/fixtures.js';
import { DOC_START } from '../../src/eval/conll.js';

const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');
const data = join(mkdtempSync(join(tmpdir(), 'conll-')), 'mini.txt');
writeFileSync(data, [
  `${DOC_START} -X- -X- O`, '',
  'Mara NNP B-NP B-PER', 'Lind NNP I-NP I-PER', 'visited VBD B-VP O', 'Oslo NNP B-NP B-LOC', '. . O O', '',
  'Quillon NNP B-NP B-ORG', 'Motors NNP I-NP I-ORG', 'sold VBD B-VP O', 'Danish JJ B-NP B-MISC', 'vans NNS I-NP O', '',
  'Nothing NN B-NP O', 'happened VBD B-VP O', '. . O O', '',
  // Longer than the fixture's window: eval must split and merge it as `padellm run` does, not die.
  ...Array.from({ length: 120 }, (_, i) => [`Visitor${i} NNP B-NP B-PER`, 'saw VBD B-VP O', 'Oslo NNP B-NP B-LOC', 'again RB B-ADVP O']).flat(), '',
].join('\n'));

const cli = (...args: string[]) => {
  const run = spawnSync(process.execPath, [main, ...args, '--model-dir', FIXTURES[0], '--intra-op-threads', '1'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
};

test('eval --json ends with the scores, in percent', () => {
  for (const decoder of ['parallel', 'autoregressive']) {
    const r = cli('eval', '--data', data, '--json', '--decoder', decoder);
    assert.equal(r.sentences, 4);
    assert.equal(r.failed, 0, 'no sentence failed');
    assert.equal(r.chunked, 1, 'the long sentence went through split-and-merge');
    for (const k of ['micro_f1', 'span_micro_f1', 'micro_f1_no_dedup', 'span_micro_f1_no_dedup']) {
      assert.ok(r[k] >= 0 && r[k] <= 100, `${k} = ${r[k]}`);
    }
    assert.deepEqual(Object.keys(r.per_label), ['ORG', 'MISC', 'PER', 'LOC']);
  }
});

test('bench --json ends with the three decoders and the ratios', () => {
  // Without the first-mention guess, whose label rows carry a guessed mention row (more tokens, fewer passes):
  // this checks what prefix sharing alone saves.
  const r = cli('bench', '--data', data, '--limit', '2', '--json', '--guess-first-mention', 'false');
  assert.equal(r.messages, 2);
  for (const d of ['parallel', 'autoregressive', 'reference']) {
    assert.ok(r.decoders[d].p50_ms > 0 && r.decoders[d].p95_ms >= r.decoders[d].p50_ms);
    assert.ok(r.decoders[d].tokens_per_msg > 0);
  }
  for (const k of ['speedup_p50', 'speedup_vs_reference_p50', 'throughput_gain', 'tokens_ratio_vs_reference']) {
    assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${k} = ${r[k]}`);
  }
  // Sharing the prompt prefix forwards far fewer tokens than re-encoding it for every query.
  assert.ok(r.tokens_ratio_vs_reference > 2);
  // The latency-against-load curve, one point per level, and the same messages decoded without copy drafts.
  assert.deepEqual(r.load_curve.map((p: { concurrency: number }) => p.concurrency), [1, 2, 4, 8, 16, 32, 64]);
  for (const p of r.load_curve) assert.ok(p.msgs_per_s > 0 && p.p95_ms >= p.p50_ms, JSON.stringify(p));
  assert.ok(r.parallel_without_drafts.passes_per_msg >= r.decoders.parallel.passes_per_msg, 'drafts never add passes');
});
