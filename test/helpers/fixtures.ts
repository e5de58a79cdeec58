// Model bundles the engine tests run against: the random-weight fixtures and, when present, the trained model.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
export const FIXTURES = ['tiny-llama', 'qwen2', 'gpt2'].map((n) => join(root, 'test', 'fixtures', 'models', n));
export const TRAINED = join(root, 'models', 'padellm-conll03-small');

/** Fixture bundles first, then the trained model when it exists. Random weights get `random: true`. */
export function bundlesUnderTest(): Array<{ dir: string; random: boolean }> {
  const out = FIXTURES.filter((d) => existsSync(join(d, 'padellm.json'))).map((dir) => ({ dir, random: true }));
  if (existsSync(join(TRAINED, 'padellm.json')) && existsSync(join(TRAINED, 'model.onnx'))) out.push({ dir: TRAINED, random: false });
  return out;
}
