// Rendered manifests decoded strictly into the Kubernetes API's Go types (test/helm/kubecheck): unknown or
// misspelt fields and wrongly typed values fail. kubeconform would need JSON schemas from the network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { CHART_DIR, helm, NAMESPACE, RELEASE } from './helm.js';

const SOURCE = resolve(CHART_DIR, '..', '..', 'test', 'helm', 'kubecheck');
const workDir = mkdtempSync(join(tmpdir(), 'kubecheck-'));
const binary = join(workDir, 'kubecheck');

before(() => {
  const build = spawnSync('go', ['build', '-o', binary, '.'], { cwd: SOURCE, encoding: 'utf8', timeout: 600_000 });
  if (build.error) throw new Error(`go is needed to build test/helm/kubecheck: ${build.error.message}`);
  assert.equal(build.status, 0, build.stderr);
});
after(() => rmSync(workDir, { recursive: true, force: true }));

function check(manifests: string): { status: number; stdout: string } {
  const run = spawnSync(binary, [], { input: manifests, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status ?? -1, stdout: run.stdout };
}

for (const file of ['default-values.yaml', 'gpu-values.yaml', 'keda-values.yaml', 'hpa-values.yaml',
  'external-model-values.yaml']) {
  test(`manifests rendered with ci/${file} decode strictly into the Kubernetes types`, () => {
    const rendered = helm(['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '-f', join(CHART_DIR, 'ci', file)]);
    assert.equal(rendered.status, 0, rendered.stderr);
    const result = check(rendered.stdout);
    assert.equal(result.status, 0, result.stdout);
    assert.match(result.stdout, /^valid apps\/v1 Deployment$/m);
    assert.doesNotMatch(result.stdout, /^invalid/m);
  });
}

test('the checker refuses a misspelt field', () => {
  const result = check([
    'apiVersion: apps/v1', 'kind: Deployment', 'spec:', '  template:', '    spec:', '      containers:',
    '        - name: x', '          securityContext:', '            readOnlyRootFileSystem: true', '',
  ].join('\n'));
  assert.equal(result.status, 1);
  assert.match(result.stdout, /unknown field .*readOnlyRootFileSystem/);
});
