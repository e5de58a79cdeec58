import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadBundle } from '../../src/model/bundle.js';
import { ModelBundleError } from '../../src/errors.js';
import { FIXTURES } from '../helpers/fixtures.js';

function copyWith(edit: (cfg: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
  const cfg = JSON.parse(readFileSync(join(FIXTURES[0], 'padellm.json'), 'utf8'));
  edit(cfg);
  writeFileSync(join(dir, 'padellm.json'), JSON.stringify(cfg));
  copyFileSync(join(FIXTURES[0], 'tokenizer.json'), join(dir, 'tokenizer.json'));
  copyFileSync(join(FIXTURES[0], 'model.onnx'), join(dir, 'model.onnx'));
  return dir;
}

test('fixture bundles load', () => {
  for (const dir of FIXTURES) assert.deepEqual(loadBundle(dir).config.labels, ['ORG', 'MISC', 'PER', 'LOC']);
});

test('invalid bundles fail with ModelBundleError naming the problem', () => {
  assert.throws(() => loadBundle(copyWith((c) => { delete c.tokens.eos_id; })), (e: unknown) =>
    e instanceof ModelBundleError && /eos_id/.test(e.message));
  assert.throws(() => loadBundle(copyWith((c) => { c.templates.prompt = '{label} then {text}'; })), ModelBundleError);
  assert.throws(() => loadBundle(copyWith((c) => { c.files.model = 'missing.onnx'; })), /missing\.onnx/);
  assert.throws(() => loadBundle(copyWith(() => {})).modelPath('int8'), ModelBundleError);
});
