// The engine through its public client: worker thread, typed errors, empty text, window limit, responsiveness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { EngineCore } from '../../src/engine/core.js';
import { ConfigError, UnknownLabelError, ModelBundleError } from '../../src/errors.js';
import { loadEngineOptions } from '../../src/config/config.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { SENTENCES } from '../helpers/sentences.js';

const modelDir = FIXTURES[0];

test('engine reports its model and answers in the request contract', async () => {
  const engine = await createEngine({ modelDir, intraOpThreads: 1 });
  try {
    assert.deepEqual(engine.model.labels, ['ORG', 'MISC', 'PER', 'LOC']);
    assert.equal(engine.model.executionProvider, 'cpu');
    assert.ok(engine.model.maxTextTokens > 100 && engine.model.maxTextTokens < 512);
    const r = await engine.annotate({ text: SENTENCES[0] });
    assert.ok(Array.isArray(r.entities));
    assert.ok(r.stats.tokensForwarded > 0 && r.stats.passes >= 2);
    for (const e of r.entities) assert.ok(engine.model.labels.includes(e.label) && e.score >= 0 && e.score <= 1);
    assert.equal(engine.inflight(), 0);
  } finally {
    await engine.close();
  }
});

test('empty text gives no entities without running the model', async () => {
  const engine = await createEngine({ modelDir, intraOpThreads: 1 });
  try {
    for (const text of ['', '   \n ']) {
      const r = await engine.annotate({ text });
      assert.deepEqual(r.entities, []);
      assert.equal(r.stats.tokensForwarded, 0);
      assert.equal(r.stats.passes, 0);
    }
  } finally {
    await engine.close();
  }
});

test('a text over the window is split into chunks in the engine, with document offsets', async () => {
  const engine = await createEngine({ modelDir, intraOpThreads: 1 });
  try {
    const sentence = 'The committee met Anna Berg in Tromsø again on Thursday. ';
    const long = sentence.repeat(60);
    const r = await engine.annotate({ text: long });
    assert.ok(r.stats.chunks > 1, `${r.stats.chunks} chunks`);
    for (const e of r.entities) {
      if (e.start === null) continue;
      assert.equal(long.slice(e.start, e.end!), e.text, 'offsets point into the whole document');
    }
    const short = await engine.annotate({ text: sentence });
    assert.equal(short.stats.chunks, 1);
  } finally {
    await engine.close();
  }
});

test('engine options are checked against the settings table', async () => {
  await assert.rejects(createEngine({ modelDir, maxRowsPerPass: 0 }), (err: unknown) =>
    err instanceof ConfigError && /--max-rows-per-pass/.test(err.message));
  await assert.rejects(createEngine({ modelDir, modelVariant: 'fp16' as 'fp32' }), ConfigError);
});

test('unknown labels are rejected with UnknownLabelError; a label subset is honoured', async () => {
  const engine = await createEngine({ modelDir, intraOpThreads: 1 });
  try {
    await assert.rejects(engine.annotate({ text: 'Oslo', labels: ['LOC', 'DATE'] }), (err: unknown) =>
      err instanceof UnknownLabelError && err.labels.join() === 'DATE');
    const r = await engine.annotate({ text: SENTENCES[1], labels: ['PER'] });
    assert.ok(r.entities.every((e) => e.label === 'PER'));
  } finally {
    await engine.close();
  }
});

test('a folder that is not a bundle fails with ModelBundleError', async () => {
  await assert.rejects(createEngine({ modelDir: '/nonexistent' }), (err: unknown) => err instanceof ModelBundleError);
});

test('the main thread stays responsive while a big batch decodes in the worker', async (t) => {
  // Long texts submitted together make prefill passes of thousands of tokens: run on the caller's thread, each
  // would stall its timers (the control below shows it), run in the worker they must not.
  const texts = Array.from({ length: 24 }, (_, i) => SENTENCES.slice(i, i + 5).join(' '));
  const engine = await createEngine({ modelDir, intraOpThreads: 1 });
  let result = { maxGap: Infinity, ticks: 0, busyMs: 0 };
  try {
    // Warm up first: the worker's first big passes map fresh memory, which can stall the whole process once.
    await Promise.all(texts.map((text) => engine.annotate({ text })));
    // This machine is shared: an OS scheduling hiccup gets two more tries before it counts as a failure.
    for (let attempt = 1; attempt <= 3 && result.maxGap >= 50; attempt++) {
      result = await measureGaps(() => Promise.all(texts.map((text) => engine.annotate({ text }))));
      t.diagnostic(`worker, attempt ${attempt}: busy ${result.busyMs.toFixed(0)} ms, ${result.ticks} ticks, max gap ${result.maxGap.toFixed(1)} ms`);
    }
  } finally {
    await engine.close();
  }
  const core = await EngineCore.open(loadEngineOptions({ modelDir, intraOpThreads: 1 }));
  // Three times the texts, so its first pass fills the 4,096-token budget: with the texts alone the fixture's largest
  // pass stalled the caller's thread for 47 ms once in CI, just under the bound it has to show breaking.
  const control = await measureGaps(() => Promise.all([...texts, ...texts, ...texts].map((text) => core.annotate({ text }))));
  t.diagnostic(`control, the same work three times on the caller's thread: max gap ${control.maxGap.toFixed(1)} ms`);
  assert.ok(control.maxGap >= 50, 'the same work on the caller\'s thread breaks the bound, so the check can fail');
  assert.ok(result.ticks > result.busyMs / 50, `timer fired ${result.ticks} times in ${result.busyMs.toFixed(0)} ms`);
  assert.ok(result.maxGap < 50, `max gap between 10 ms ticks was ${result.maxGap.toFixed(1)} ms`);
});

async function measureGaps(work: () => Promise<unknown>) {
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  const started = performance.now();
  await work();
  const busyMs = performance.now() - started;
  clearInterval(timer);
  return { maxGap, ticks, busyMs };
}
