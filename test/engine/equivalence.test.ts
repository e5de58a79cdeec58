// Batched, prefix-shared decoding across many messages must give exactly what running every (label) and
// (label, k) query alone, from scratch, gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBundle } from '../../src/model/bundle.js';
import { TextTokenizer } from '../../src/model/tokenizer.js';
import { Templates } from '../../src/model/templates.js';
import { openSession } from '../../src/runtime/session.js';
import { Forward } from '../../src/runtime/forward.js';
import type { KvView } from '../../src/runtime/kv.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { decodeContext } from '../../src/engine/core.js';
import { ParallelTask } from '../../src/decoding/parallel.js';
import { mentionStopFor, readMention } from '../../src/decoding/steps.js';
import { AutoregressiveTask } from '../../src/decoding/autoregressive.js';
import { greedy } from '../../src/decoding/greedy.js';
import type { DecodeContext, GeneratedMention } from '../../src/decoding/task.js';
import { SENTENCES } from '../helpers/sentences.js';
import { bundlesUnderTest, randomCounts } from '../helpers/fixtures.js';

async function setup(dir: string, random: boolean) {
  const bundle = loadBundle(dir);
  const tokenizer = new TextTokenizer(bundle.tokenizerJson, bundle.tokenizerConfig);
  const templates = new Templates(bundle.config, tokenizer);
  const opened = await openSession(bundle.modelPath('fp32'), bundle.config.architecture, { intraOpThreads: 1 });
  const forward = new Forward(opened.session, opened.layout, bundle.config.tokens.pad_id);
  const ctx: DecodeContext = decodeContext(bundle, tokenizer, templates);
  if (random) {
    randomCounts(ctx, await commonFirstToken(forward, ctx, tokenizer, bundle.config.labels));
    ctx.limits = { ...ctx.limits, max_mention_tokens: 6, max_ar_tokens: 24 };
  }
  return { bundle, tokenizer, forward, ctx, labels: bundle.config.labels };
}

/** The token a random model most often writes first after a label prompt. */
async function commonFirstToken(forward: Forward, ctx: DecodeContext, tokenizer: TextTokenizer, labels: string[]) {
  const seen = new Map<number, number>();
  for (const text of SENTENCES.slice(0, 20)) {
    const rows = labels.map((l) => ({ tokens: [...ctx.promptPrefix(tokenizer.encode(text)), ...ctx.labelSuffix(l)], past: null }));
    for (const out of await forward.run(rows)) {
      const t = greedy(out.logits).token;
      seen.set(t, (seen.get(t) ?? 0) + 1);
    }
  }
  return [...seen].sort((a, b) => b[1] - a[1])[0][0];
}

/** Generates one answer greedily on a single row, from scratch. */
async function naiveGenerate(forward: Forward, prompt: number[], stop: (g: readonly number[]) => boolean) {
  const tokens: number[] = [];
  const probs: number[] = [];
  let [out] = await forward.run([{ tokens: prompt, past: null }]);
  for (;;) {
    const c = greedy(out.logits);
    tokens.push(c.token);
    probs.push(c.prob);
    if (stop(tokens)) return { tokens, probs };
    [out] = await forward.run([{ tokens: [c.token], past: out.kv }]);
  }
}

async function naiveParallel(forward: Forward, ctx: DecodeContext, textIds: number[], labels: string[]) {
  const found: GeneratedMention[] = [];
  for (const label of labels) {
    const prompt = [...ctx.promptPrefix(textIds), ...ctx.labelSuffix(label)];
    const count = await naiveGenerate(forward, prompt, (t) => ctx.countStop(t));
    const n = ctx.readCount(count.tokens);
    for (let k = 1; k <= n; k++) {
      const m = await naiveGenerate(forward, [...prompt, ...ctx.countIds(n), ...ctx.mentionPrefix(k)], mentionStopFor(ctx));
      found.push({ label, k, ...readMention(ctx, m.tokens, m.probs) });
    }
  }
  return found;
}

function assertSame(got: GeneratedMention[], want: GeneratedMention[], where: string) {
  assert.deepEqual(got.map((m) => [m.label, m.k, m.text]), want.map((m) => [m.label, m.k, m.text]), where);
  got.forEach((m, i) => assert.ok(Math.abs(m.score - want[i].score) <= 1e-4, `${where}: score ${m.score} vs ${want[i].score}`));
}

for (const { dir, random } of bundlesUnderTest()) {
  const name = dir.split('/').pop();
  test(`${name}: batched prefix-shared parallel decoding == naive one-query-at-a-time decoding`, async () => {
    const { tokenizer, forward, ctx, labels } = await setup(dir, random);
    const scheduler = new Scheduler<KvView>(forward, { maxRowsPerPass: 48, maxTokensPerPass: 1200, maxWaitMs: 0 });
    const texts = random ? SENTENCES : SENTENCES.slice(0, 50);
    const tasks = texts.map((t) => new ParallelTask<KvView>(ctx, tokenizer.encode(t), labels));
    const stats = await Promise.all(tasks.map((t) => scheduler.submit(t)));
    let mentions = 0;
    for (let i = 0; i < texts.length; i++) {
      const want = await naiveParallel(forward, ctx, tokenizer.encode(texts[i]), labels);
      assertSame(tasks[i].mentions(), want, `${name} sentence ${i}`);
      mentions += want.length;
    }
    assert.ok(mentions > 0, 'step 2 was exercised');
    assert.ok(stats.every((s) => s.tokensForwarded > 0 && s.passes > 0));
  });

  test(`${name}: autoregressive decoding batched across messages == alone`, async () => {
    const { tokenizer, forward, ctx, labels } = await setup(dir, random);
    const scheduler = new Scheduler<KvView>(forward, { maxRowsPerPass: 16, maxTokensPerPass: 2000, maxWaitMs: 0 });
    const texts = SENTENCES.slice(0, 6);
    const batched = texts.map((t) => new AutoregressiveTask<KvView>(ctx, tokenizer.encode(t), labels));
    await Promise.all(batched.map((t) => scheduler.submit(t)));
    for (let i = 0; i < texts.length; i++) {
      const alone = new AutoregressiveTask<KvView>(ctx, tokenizer.encode(texts[i]), labels);
      await scheduler.submit(alone);
      assertSame(batched[i].mentions(), alone.mentions(), `${name} AR sentence ${i}`);
    }
  });
}
