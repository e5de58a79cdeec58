// The engine through its public client: worker thread, typed errors, empty text, window limit, responsiveness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { TextTooLongError, UnknownLabelError, ModelBundleError } from '../../src/errors.js';
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

test('text over the window is rejected with TextTooLongError; countTokens agrees', async () => {
  const engine = await createEngine({ modelDir, intraOpThreads: 1 });
  try {
    const long = 'The committee met again on Thursday. '.repeat(60);
    const tokens = await engine.countTokens(long);
    assert.ok(tokens > engine.model.maxTextTokens);
    await assert.rejects(engine.annotate({ text: long }), (err: unknown) =>
      err instanceof TextTooLongError && err.code === 'PADELLM_TEXT_TOO_LONG' && err.tokens === tokens &&
      err.maxTokens === engine.model.maxTextTokens);
    // Just under the limit passes.
    await engine.annotate({ text: 'word '.repeat(10) });
  } finally {
    await engine.close();
  }
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
  const engine = await createEngine({ modelDir, intraOpThreads: 1 });
  try {
    // A blocked event loop would miss ticks on every pass. This machine is shared, so a single scheduling hiccup
    // of the OS gets one more try before it counts as a failure.
    let result = { maxGap: Infinity, ticks: 0, busyMs: 0 };
    for (let attempt = 1; attempt <= 2 && result.maxGap >= 50; attempt++) {
      result = await measureGaps(() =>
        // Random weights rarely emit EOS: autoregressive requests run to their token cap, a long busy worker.
        Promise.all(SENTENCES.slice(0, 30).map((text) => engine.annotate({ text, decoder: 'autoregressive' }))));
      t.diagnostic(`attempt ${attempt}: worker busy ${result.busyMs.toFixed(0)} ms, ${result.ticks} ticks, max gap ${result.maxGap.toFixed(1)} ms`);
    }
    const { maxGap, ticks, busyMs } = result;
    assert.ok(busyMs > 500, `the batch ran long enough to matter (${busyMs.toFixed(0)} ms)`);
    assert.ok(ticks > busyMs / 50, `timer fired ${ticks} times in ${busyMs.toFixed(0)} ms`);
    assert.ok(maxGap < 50, `max gap between 10 ms ticks was ${maxGap.toFixed(1)} ms`);
  } finally {
    await engine.close();
  }
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
