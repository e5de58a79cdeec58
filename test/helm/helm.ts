// Runs the real helm CLI over the chart. Helm is built from source by scripts/install-helm.sh; the tests
// fail (never skip) when it is missing, so a CI without it cannot pass silently.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const CHART_DIR = resolve(import.meta.dirname, '..', '..', '..', 'helm', 'padellm-stream');
export const RELEASE = 'ner';
export const NAMESPACE = 'streams';

function findHelm(): string {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    process.env.GOBIN,
    process.env.GOPATH && join(process.env.GOPATH, 'bin'),
    join(homedir(), 'go', 'bin'),
  ].filter((d): d is string => Boolean(d));
  for (const dir of dirs) {
    const candidate = join(dir, 'helm');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('helm not found on PATH, $GOBIN or ~/go/bin: run `bash scripts/install-helm.sh` first');
}

let helmPath: string | undefined;
export function helm(args: string[]): { status: number; stdout: string; stderr: string } {
  helmPath ??= findHelm();
  const run = spawnSync(helmPath, args, { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** `helm template` args for values files in the chart's ci/ folder plus `--set` pairs. */
function templateArgs(valuesFiles: string[], set: string[]): string[] {
  return [
    'template', RELEASE, CHART_DIR, '--namespace', NAMESPACE,
    ...valuesFiles.flatMap((f) => ['-f', join(CHART_DIR, 'ci', f)]),
    ...set.flatMap((s) => ['--set', s]),
  ];
}

export function render(valuesFiles: string[] = [], set: string[] = []): Manifest[] {
  const run = helm(templateArgs(valuesFiles, set));
  if (run.status !== 0) throw new Error(`helm template failed (${run.status}): ${run.stderr}`);
  return parseAllDocuments(run.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** Renders values that must be refused; returns helm's error text. */
export function renderFailure(valuesFiles: string[] = [], set: string[] = []): string {
  const run = helm(templateArgs(valuesFiles, set));
  if (run.status === 0) throw new Error(`helm template accepted values it should refuse: ${set.join(' ')}`);
  return run.stderr;
}

export function find(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0];
}

/** The processor container's environment as the kubelet would build it: ConfigMap (envFrom) then env. */
export function containerEnv(manifests: Manifest[]): Map<string, { value?: string; valueFrom?: any }> {
  const configMap = find(manifests, 'ConfigMap');
  const container = find(manifests, 'Deployment').spec.template.spec.containers[0];
  const env = new Map<string, { value?: string; valueFrom?: any }>();
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name !== configMap.metadata.name) throw new Error('envFrom names another ConfigMap');
    for (const [name, value] of Object.entries(configMap.data ?? {})) env.set(name, { value: value as string });
  }
  for (const entry of container.env ?? []) env.set(entry.name, { value: entry.value, valueFrom: entry.valueFrom });
  return env;
}
