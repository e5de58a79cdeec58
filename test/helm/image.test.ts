// No Docker engine runs in CI, so the image is checked where it meets the code and the chart: the paths the
// processor reads at run time, the entry point, the user and the port.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DEFAULT_MODEL_DIR } from '../../src/config/embedded.js';
import { CHART_DIR } from './helm.js';

const ROOT = resolve(CHART_DIR, '..', '..');
const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
const values = parse(readFileSync(resolve(CHART_DIR, 'values.yaml'), 'utf8'));
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));

const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const workdir = /^WORKDIR (\S+)$/m.exec(finalStage)?.[1];

test('the image puts the embedded model where the processor and the chart look for it', () => {
  assert.equal(workdir, '/app');
  // DEFAULT_MODEL_DIR resolves from dist/src/config up to the package root, as it does under /app in the image.
  const inPackage = relative(ROOT, DEFAULT_MODEL_DIR);
  assert.equal(values.model.imagePath, `${workdir}/${inPackage}`);
  assert.match(finalStage, /^COPY models \.\/models$/m);
  assert.ok(dockerignore.includes('!models'));
});

test('the image carries the Avro schemas the serde reads at run time', () => {
  assert.match(finalStage, /^COPY schemas \.\/schemas$/m);
  assert.ok(dockerignore.includes('!schemas'));
  assert.match(finalStage, /^COPY --from=build \/app\/dist\/src \.\/dist\/src$/m);
});

test('the entry point is the package\'s padellm bin and the chart runs its run subcommand', () => {
  const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(finalStage)![1]) as string[];
  assert.equal(entrypoint.at(-1), pkg.bin.padellm);
  assert.equal(entrypoint[0], 'tini');
});

test('the image user is the numeric non-root user the chart runs as', () => {
  const user = /^USER (\d+):(\d+)$/m.exec(finalStage);
  assert.ok(user, 'numeric USER uid:gid');
  assert.equal(Number(user[1]), values.podSecurityContext.runAsUser);
  assert.equal(Number(user[2]), values.podSecurityContext.runAsGroup);
  assert.ok(Number(user[1]) > 0);
});

test('the exposed port is the chart\'s http port', () => {
  assert.equal(Number(/^EXPOSE (\d+)$/m.exec(finalStage)?.[1]), values.httpPort);
});

test('VARIANT picks the CUDA execution-provider binaries only for the CUDA image', () => {
  assert.match(dockerfile, /^ARG VARIANT=cpu$/m);
  assert.match(dockerfile, /"\$VARIANT" = "cuda".*\n\s*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
  assert.match(dockerfile, /"\$VARIANT" = "cpu".*\n\s*ONNXRUNTIME_NODE_INSTALL=skip npm rebuild onnxruntime-node/);
  assert.match(dockerfile, /^FROM \$\{CUDA_IMAGE\} AS runtime-cuda$/m);
  assert.match(dockerfile, /^ARG CUDA_IMAGE=nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/m);
});
