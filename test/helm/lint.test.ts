import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { CHART_DIR, helm } from './helm.js';

const VALUES_FILES = ['default-values.yaml', 'gpu-values.yaml', 'keda-values.yaml', 'hpa-values.yaml',
  'external-model-values.yaml'];

for (const file of VALUES_FILES) {
  test(`helm lint --strict passes with ci/${file}`, () => {
    const run = helm(['lint', '--strict', CHART_DIR, '-f', join(CHART_DIR, 'ci', file)]);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });
}
