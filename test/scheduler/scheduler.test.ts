// Scheduler bookkeeping against the real fixture model; a recording wrapper around the real forward pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBundle } from '../../src/model/bundle.js';
import { TextTokenizer } from '../../src/model/tokenizer.js';
import { Templates } from '../../src/model/templates.js';
import { openSession } from '../../src/runtime/session.js';
import type { KvView } from '../../src/runtime/kv.js';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import type { RunPass } from '../../src/types/pass.js';
import { decodeContext } from '../../src/engine/core.js';
import { ParallelTask } from '../../src/decoding/parallel.js';
import { FIXTURES, randomCounts } from '../helpers/fixtures.js';
import { SENTENCES } from '../helpers/sentences.js';

const bundle = loadBundle(FIXTURES[0]);
const tokenizer = new TextTokenizer(bundle.tokenizerJson, bundle.tokenizerConfig);
const templates = new Templates(bundle.config, tokenizer);
const ctx = decodeContext(bundle, tokenizer, templates, { draftTokens: 8, guessFirstMention: true, mentionsFromText: true, probeNextMention: true });
randomCounts(ctx);
ctx.limits = { ...ctx.limits, max_mention_tokens: 4 };
const opened = await openSession(bundle.modelPath('fp32'), bundle.config.architecture, bundle.config.tokens.pad_id, { intraOpThreads: 1 });
const forward = opened.forward;

interface PassShape { rows: number; tokens: number; padded: number; paddedPast: number }

function recording(): RunPass<KvView> & { passes: PassShape[] } {
  const passes: PassShape[] = [];
  const run: RunPass<KvView> = (rows) => {
    passes.push({
      rows: rows.length,
      tokens: rows.reduce((a, r) => a + r.tokens.length, 0),
      padded: rows.length * Math.max(...rows.map((r) => r.tokens.length)),
      paddedPast: rows.length * Math.max(...rows.map((r) => r.past?.length ?? 0)),
    });
    return forward(rows);
  };
  return Object.assign(run, { passes });
}

const task = (text: string) => new ParallelTask<KvView>(ctx, tokenizer.encode(text), bundle.config.labels);

test('per-request tokens and passes add up to what went through the model', async () => {
  const runner = recording();
  const s = new Scheduler<KvView>(runner, { maxRowsPerPass: 64, maxTokensPerPass: 4096, maxWaitMs: 0 });
  const stats = await s.submit(task(SENTENCES[2]));
  assert.equal(stats.passes, runner.passes.length);
  assert.equal(stats.tokensForwarded, runner.passes.reduce((a, p) => a + p.tokens, 0));
  assert.ok(stats.decodeMs >= stats.queueMs && stats.queueMs >= 0);
  assert.equal(s.inflight(), 0);
});

test('messages share passes: many at once take far fewer passes than one by one', async () => {
  const alone = recording();
  const s1 = new Scheduler<KvView>(alone, { maxRowsPerPass: 64, maxTokensPerPass: 4096, maxWaitMs: 0 });
  for (const t of SENTENCES.slice(0, 12)) await s1.submit(task(t));
  const together = recording();
  const s2 = new Scheduler<KvView>(together, { maxRowsPerPass: 64, maxTokensPerPass: 4096, maxWaitMs: 0 });
  await Promise.all(SENTENCES.slice(0, 12).map((t) => s2.submit(task(t))));
  assert.ok(together.passes.length * 3 < alone.passes.length, `${together.passes.length} vs ${alone.passes.length}`);
});

test('row and token budgets hold; a prefill longer than the token budget still runs, alone', async () => {
  const opts: SchedulerOptions = { maxRowsPerPass: 5, maxTokensPerPass: 40, maxWaitMs: 0 };
  const runner = recording();
  const s = new Scheduler<KvView>(runner, opts);
  const long = SENTENCES.slice(0, 4).join(' ');
  const stats = await Promise.all([...SENTENCES.slice(0, 8).map((t) => s.submit(task(t))), s.submit(task(long))]);
  assert.equal(stats.length, 9);
  for (const p of runner.passes) {
    assert.ok(p.rows <= opts.maxRowsPerPass);
    assert.ok(p.padded <= opts.maxTokensPerPass || p.rows === 1, JSON.stringify(p));
  }
  assert.ok(runner.passes.some((p) => p.rows === 1 && p.tokens > opts.maxTokensPerPass));
});

test('the past budget bounds rows x longest past; rows still share passes and every message finishes', async () => {
  const opts: SchedulerOptions = { maxRowsPerPass: 64, maxTokensPerPass: 4096, maxWaitMs: 0, maxPastPerPass: 120 };
  const runner = recording();
  const s = new Scheduler<KvView>(runner, opts);
  const stats = await Promise.all(SENTENCES.slice(0, 8).map((t) => s.submit(task(t))));
  assert.equal(stats.length, 8);
  for (const p of runner.passes) assert.ok(p.paddedPast <= opts.maxPastPerPass! || p.rows === 1, JSON.stringify(p));
  assert.ok(runner.passes.some((p) => p.rows > 1), 'rows still share passes under the budget');
  assert.ok(runner.passes.some((p) => p.paddedPast > 60), 'the budget was approached');
});

test('with maxWaitMs the first request waits for company that arrives in time', async () => {
  const runner = recording();
  const s = new Scheduler<KvView>(runner, { maxRowsPerPass: 64, maxTokensPerPass: 4096, maxWaitMs: 100 });
  const first = s.submit(task(SENTENCES[0]));
  await new Promise((r) => setTimeout(r, 10));
  const second = s.submit(task(SENTENCES[1]));
  const [a] = await Promise.all([first, second]);
  assert.equal(runner.passes[0].rows, 2, 'both prefills in the first pass');
  assert.ok(a.queueMs >= 9);
});

test('big passes stay mostly real tokens: one-token steps do not ride with a long prefill', async () => {
  const runner = recording();
  const s = new Scheduler<KvView>(runner, { maxRowsPerPass: 256, maxTokensPerPass: 100000, maxWaitMs: 0 });
  const first = SENTENCES.slice(0, 40).map((t) => s.submit(task(t)));
  await new Promise((r) => setTimeout(r, 0));
  const later = SENTENCES.slice(40).map((t) => s.submit(task(t + ' ' + t)));
  await Promise.all([...first, ...later]);
  for (const p of runner.passes) assert.ok(p.padded <= 256 || p.tokens >= 0.75 * p.padded, JSON.stringify(p));
});
