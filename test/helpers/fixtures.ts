// Model bundles the engine tests run against: the random-weight fixtures and, when present, the trained model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../../src/config/embedded.js';
import type { Prompts } from '../../src/decoding/task.js';

const root = join(import.meta.dirname, '..', '..', '..');
export const FIXTURES = ['tiny-llama', 'qwen2', 'gpt2'].map((n) => join(root, 'test', 'fixtures', 'models', n));
/** tiny-llama made to have a float16 KV cache, or no position_ids input (test/fixtures/engine/make-*.py). */
export const ENGINE_FIXTURES = ['tiny-llama-fp16', 'tiny-llama-nopos'].map((n) => join(root, 'test', 'fixtures', 'engine', n));
/** The 2.7M-parameter model trained from scratch (dev F1 about 41), the fast trained fixture. */
export const TRAINED = join(root, 'models', 'padellm-conll03-small');
/** The embedded default, SmolLM2-135M fine-tuned (its card: models/<name>/README.md), tested when its bundle is there. */
export const EMBEDDED = DEFAULT_MODEL_DIR;

/** Fixture bundles first, then the trained models that exist. Random weights get `random: true`. */
export function bundlesUnderTest(): Array<{ dir: string; random: boolean }> {
  const out = [...FIXTURES, ...ENGINE_FIXTURES].filter((d) => existsSync(join(d, 'padellm.json'))).map((dir) => ({ dir, random: true }));
  for (const dir of [TRAINED, EMBEDDED]) if (existsSync(join(dir, 'padellm.json'))) out.push({ dir, random: false });
  // Any other bundle can be checked too: PADELLM_TEST_BUNDLES=dir[:dir...] (dir=random marks random weights).
  for (const spec of (process.env.PADELLM_TEST_BUNDLES ?? '').split(':').filter(Boolean)) {
    const [dir, kind] = spec.split('=');
    out.push({ dir, random: kind === 'random' });
  }
  return out;
}

/**
 * Random weights almost never write digits, so tests read counts from token ids instead: the first count token
 * gives 0-2 (0 stops at once, like a real "0"); a second token sometimes adds one, like a count that turns out to
 * have two digits. This drives step 2 and both outcomes of guessing the count from its first digit. When `one` is
 * given (a token the model often writes first), it stands for the digit 1 and the count template starts with it,
 * as a real "1\n" does, which drives the decoder's path that reads the count from the first mention row.
 */
export function randomCounts(
  ctx: {
    readCount(t: readonly number[]): number; countStop(t: readonly number[]): boolean;
    prompts: Prompts; newlineId: number;
  },
  one?: number,
): void {
  const digit = (id: number) => (id === one ? 1 : one !== undefined && id % 3 === 1 ? 2 : id % 3);
  ctx.readCount = (t) => digit(t[0]) + (t.length > 1 && t[1] % 2 === 1 ? 1 : 0);
  ctx.countStop = (t) => digit(t[0]) === 0 || t.length >= 2;
  if (one !== undefined) {
    const plain = ctx.prompts;
    ctx.prompts = Object.assign(Object.create(plain) as Prompts, {
      countIds: (n: number) => (n === 1 ? [one, ctx.newlineId] : plain.countIds(n)),
    });
  }
}
