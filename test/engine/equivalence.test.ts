// Batched, prefix-shared decoding across many messages must give exactly what running every (label) and
// (label, k) query alone, from scratch, gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBundle } from '../../src/model/bundle.js';
import { TextTokenizer } from '../../src/model/tokenizer.js';
import { Templates } from '../../src/model/templates.js';
import { openSession } from '../../src/runtime/session.js';
import type { KvView } from '../../src/runtime/kv.js';
import type { RunPass } from '../../src/types/pass.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { decodeContext } from '../../src/engine/core.js';
import { ParallelTask } from '../../src/decoding/parallel.js';
import { mentionStopFor, readMention } from '../../src/decoding/steps.js';
import { greedyChooser, textSpanChooser, widenToWords, type Chooser } from '../../src/decoding/copy-constraint.js';
import { AutoregressiveTask } from '../../src/decoding/autoregressive.js';
import { greedy } from '../../src/decoding/greedy.js';
import type { DecodeContext, GeneratedMention } from '../../src/decoding/task.js';
import { SENTENCES } from '../helpers/sentences.js';
import { bundlesUnderTest, randomCounts } from '../helpers/fixtures.js';

/** The engine's draft length (settings.ts), with the first-mention guess on; the drafts-only case below is the default. */
const DRAFT_TOKENS = 8;

async function setup(dir: string, random: boolean) {
  const bundle = loadBundle(dir);
  const tokenizer = new TextTokenizer(bundle.tokenizerJson, bundle.tokenizerConfig);
  const templates = new Templates(bundle.config, tokenizer);
  const opened = await openSession(bundle.modelPath('fp32'), bundle.config.architecture, bundle.config.tokens.pad_id, { intraOpThreads: 1 });
  const forward = opened.forward;
  const ctx: DecodeContext = decodeContext(bundle, tokenizer, templates,
    { draftTokens: DRAFT_TOKENS, guessFirstMention: true, mentionsFromText: true, probeNextMention: true });
  if (random) {
    randomCounts(ctx, await commonFirstToken(forward, ctx, tokenizer, bundle.config.labels));
    ctx.limits = { ...ctx.limits, max_mention_tokens: 6, max_ar_tokens: 24 };
  }
  return { bundle, tokenizer, forward, ctx, labels: bundle.config.labels };
}

/** The token a random model most often writes first after a label prompt. */
async function commonFirstToken(forward: RunPass<KvView>, ctx: DecodeContext, tokenizer: TextTokenizer, labels: string[]) {
  const seen = new Map<number, number>();
  for (const text of SENTENCES.slice(0, 20)) {
    const rows = labels.map((l) => ({ tokens: [...ctx.prompts.promptPrefix(tokenizer.encode(text)), ...ctx.prompts.labelSuffix(l)], past: null }));
    for (const out of await forward(rows)) {
      const t = greedy(out.logits).token;
      seen.set(t, (seen.get(t) ?? 0) + 1);
    }
  }
  return [...seen].sort((a, b) => b[1] - a[1])[0][0];
}

/** Generates one answer greedily (or as `choose` picks) on a single row, from scratch. */
async function naiveGenerate(forward: RunPass<KvView>, prompt: number[], stop: (g: readonly number[]) => boolean,
  choose: Chooser = greedyChooser) {
  const tokens: number[] = [];
  const probs: number[] = [];
  let [out] = await forward([{ tokens: prompt, past: null }]);
  for (;;) {
    const c = choose(out.logits, tokens);
    tokens.push(c.token);
    probs.push(c.prob);
    if (stop(tokens)) return { tokens, probs };
    [out] = await forward([{ tokens: [c.token], past: out.kv }]);
  }
}

/** Every query alone: mentions kept to spans of whole words of the text with the next-mention probe (`fromText`), and
 * plain greedy without it (`plain`), one count each. */
async function naiveParallel(forward: RunPass<KvView>, ctx: DecodeContext, textIds: number[], labels: string[]) {
  const fromText: GeneratedMention[] = [];
  const plain: GeneratedMention[] = [];
  const spans = textSpanChooser(ctx.decode(textIds), (ids) => ctx.decode(ids), ctx.eosId);
  for (const label of labels) {
    const prompt = [...ctx.prompts.promptPrefix(textIds), ...ctx.prompts.labelSuffix(label)];
    const count = await naiveGenerate(forward, prompt, (t) => ctx.countStop(t));
    const n = ctx.readCount(count.tokens);
    for (let k = 1; k <= n; k++) {
      const query = [...prompt, ...ctx.prompts.countIds(n), ...ctx.prompts.mentionPrefix(k)];
      const m = await naiveGenerate(forward, query, mentionStopFor(ctx), spans);
      const read = readMention(ctx, m.tokens, m.probs);
      fromText.push({ label, k, text: widenToWords(ctx.decode(textIds), read.text), score: read.score });
      const g = await naiveGenerate(forward, query, mentionStopFor(ctx));
      plain.push({ label, k, ...readMention(ctx, g.tokens, g.probs) });
    }
    if (n > 0 && n < ctx.limits.max_count) {
      // The probe: mention n+1 as if the count were n+1, kept when new for the label.
      const query = [...prompt, ...ctx.prompts.countIds(n + 1), ...ctx.prompts.mentionPrefix(n + 1)];
      const m = await naiveGenerate(forward, query, mentionStopFor(ctx), spans);
      const read = readMention(ctx, m.tokens, m.probs);
      const text = widenToWords(ctx.decode(textIds), read.text);
      if (text !== '' && !fromText.some((f) => f.label === label && f.text === text)) {
        fromText.push({ label, k: n + 1, text, score: read.score });
      }
    }
  }
  return { fromText, plain };
}

/** Sentences whose batched mentions differ from the naive ones (int8-activation bundles only). */
const differing: string[] = [];

/** Largest relative score difference seen per bundle, for the diagnostic line. */
const scoreGap = new Map<string, number>();

/**
 * Mentions must be identical and scores agree to 1e-4, except on a bundle whose weights are int8 with int8
 * activations (accuracy level 4, the embedded default). There ONNX Runtime's kernels give a row slightly different
 * logits in the engine's batched passes than alone, so near-ties can flip: at most 10% of sentences may differ,
 * and the count is reported (its model card gives the measured figure).
 */
function assertSame(got: GeneratedMention[], want: GeneratedMention[], where: string, exactScores = true) {
  if (!exactScores) {
    // Counted, not asserted here: the caller bounds the share of sentences whose mentions differ.
    const key = (ms: GeneratedMention[]) => JSON.stringify(ms.map((m) => [m.label, m.k, m.text]));
    if (key(got) !== key(want)) { differing.push(where); return; }
  }
  assert.deepEqual(got.map((m) => [m.label, m.k, m.text]), want.map((m) => [m.label, m.k, m.text]), where);
  got.forEach((m, i) => {
    const gap = Math.abs(m.score - want[i].score) / Math.max(want[i].score, 1e-12);
    const bundle = where.split(' ')[0];
    scoreGap.set(bundle, Math.max(scoreGap.get(bundle) ?? 0, gap));
    if (exactScores) assert.ok(Math.abs(m.score - want[i].score) <= 1e-4, `${where}: score ${m.score} vs ${want[i].score}`);
  });
}

/** model.q8.onnx: MatMulNBits at accuracy level 4 (training/padellm/gguf_quant.py, build_int8). */
const int8Activations = (dir: string) => loadBundle(dir).config.files.model.endsWith('.q8.onnx');

for (const { dir, random } of bundlesUnderTest()) {
  const name = dir.split('/').pop()!;
  const exactScores = !int8Activations(dir);
  test(`${name}: batched prefix-shared parallel decoding, with copy drafts, the first-mention guess and mentions from the text and with none, == naive one-query-at-a-time decoding`, async (t) => {
    const { tokenizer, forward, ctx, labels } = await setup(dir, random);
    const plainCtx = { ...ctx, maxDraftTokens: 0, guessFirstMention: false, mentionsFromText: false, probeNextMention: false };
    const scheduler = new Scheduler<KvView>(forward, { maxRowsPerPass: 48, maxTokensPerPass: 1200, maxWaitMs: 0, maxPastPerPass: 1500 });
    const texts = random ? SENTENCES : SENTENCES.slice(0, 50);
    const tasks = texts.map((t) => new ParallelTask<KvView>(ctx, tokenizer.encode(t), labels));
    const plain = texts.map((t) => new ParallelTask<KvView>(plainCtx, tokenizer.encode(t), labels));
    const stats = await Promise.all([...tasks, ...plain].map((t) => scheduler.submit(t)));
    let mentions = 0;
    for (let i = 0; i < texts.length; i++) {
      const want = await naiveParallel(forward, ctx, tokenizer.encode(texts[i]), labels);
      assertSame(tasks[i].mentions(), want.fromText, `${name} sentence ${i}`, exactScores);
      assertSame(plain[i].mentions(), want.plain, `${name} sentence ${i} (plain: no drafts, no guess, any string)`, exactScores);
      // Whole characters only: a mention cut by the token cap may end inside a character.
      for (const m of want.fromText) {
        assert.ok(texts[i].includes(m.text.replace(/\uFFFD+$/, '')), `${name} sentence ${i}: "${m.text}" is in the text`);
      }
      mentions += want.fromText.length;
    }
    // Passes per message, each message alone: drafts and the guess never add one; on a trained model they save some.
    const alone = async (c: DecodeContext) => {
      let passes = 0;
      for (const text of texts.slice(0, 10)) passes += (await scheduler.submit(new ParallelTask<KvView>(c, tokenizer.encode(text), labels))).passes;
      return passes / 10;
    };
    const draftsOnly = { ...ctx, guessFirstMention: false };
    const neither = { ...draftsOnly, maxDraftTokens: 0 };
    const [both, drafted, undrafted] = [await alone(ctx), await alone(draftsOnly), await alone(neither)];
    t.diagnostic(`${name}: passes per message alone ${both} with drafts and the guess, ${drafted} with drafts, ${undrafted} with neither`);
    assert.ok(both <= drafted && drafted <= undrafted, `speculation never costs passes: ${both}, ${drafted}, ${undrafted}`);
    // With the probe on, a label counted 1 sends its probe row when the count is read either way, so the guess's
    // early mention row no longer ends the message a pass early.
    if (!random) assert.ok(drafted < undrafted, `drafts save passes on a trained model: ${drafted}, ${undrafted}`);
    if (!random && !ctx.probeNextMention) assert.ok(both < drafted, `the guess saves passes on a trained model: ${both}, ${drafted}`);
    assert.ok(mentions > 0, 'step 2 was exercised');
    const differ = differing.filter((w) => w.startsWith(`${name} `));
    t.diagnostic(`${name}: ${texts.length} sentences, ${mentions} mentions; sentences differing ${differ.length}` +
      ` (${differ.join(', ')}); largest relative score gap ${scoreGap.get(name)}`);
    assert.ok(differ.length <= Math.floor(2 * texts.length * 0.1), `at most 10% of sentences differ: ${differ.join(', ')}`);
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
      assertSame(batched[i].mentions(), alone.mentions(), `${name} AR sentence ${i}`, exactScores);
    }
  });
}
