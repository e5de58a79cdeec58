// Every setting of `padellm run` must be reachable from the chart as its PADELLM_* variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SETTINGS } from '../../src/config/settings.js';
import { containerEnv, render } from './helm.js';

// Values that switch on every optional setting the chart knows.
const EVERYTHING = [
  'kafka.clientId=ner-client', 'kafka.commit.maxRecords=250', 'kafka.commit.maxBytes=2097152',
  'kafka.commit.intervalMs=50', 'inference.intraOpThreads=4', 'inference.interOpThreads=1',
  'inference.maxRowsPerPass=32', 'inference.maxTokensPerPass=4096', 'inference.maxWaitMs=3', 'inference.draftTokens=4',
  'inference.guessFirstMention=false', 'inference.mentionsFromText=false', 'inference.probeNextMention=false',
  'inference.maxInflight=128', 'inference.maxTextChars=20000', 'logLevel=debug',
];

test('every processor setting reaches the container as its PADELLM_* variable', () => {
  const env = containerEnv(render(['external-model-values.yaml'], EVERYTHING));
  const missing = SETTINGS.map((s) => s.env).filter((name) => !env.has(name));
  assert.deepEqual(missing, [], 'settings the chart does not wire');
  const unknown = [...env.keys()].filter((name) => !SETTINGS.some((s) => s.env === name));
  assert.deepEqual(unknown, [], 'variables the processor does not read');
});

test('secret settings come from Secrets, the others from the ConfigMap or the pod', () => {
  const env = containerEnv(render(['external-model-values.yaml'], EVERYTHING));
  for (const setting of SETTINGS) {
    const entry = env.get(setting.env);
    if (setting.secret) assert.ok(entry?.valueFrom?.secretKeyRef, `${setting.env} from a Secret`);
  }
});

test('values arrive in the form the processor parses', () => {
  const env = containerEnv(render(['external-model-values.yaml'], [...EVERYTHING,
    'kafka.brokers={a.kafka:9092,b.kafka:9092}']));
  const value = (name: string) => env.get(name)?.value;
  assert.equal(value('PADELLM_BROKERS'), 'a.kafka:9092,b.kafka:9092');
  assert.equal(value('PADELLM_CLIENT_ID'), 'ner-client');
  assert.equal(value('PADELLM_INPUT_FORMAT'), 'avro');
  assert.equal(value('PADELLM_DELIVERY'), 'at-least-once');
  assert.equal(value('PADELLM_REGISTRY_URL'), 'http://schema-registry:8081');
  assert.equal(value('PADELLM_SASL_MECHANISM'), 'plain');
  assert.equal(value('PADELLM_COMMIT_MAX_BYTES'), '2097152');
  assert.equal(value('PADELLM_MAX_WAIT_MS'), '3');
  assert.equal(value('PADELLM_HTTP_PORT'), '9464');
  assert.equal(value('PADELLM_LOG_LEVEL'), 'debug');
  for (const [name, entry] of env) {
    if (entry.value !== undefined) assert.doesNotMatch(entry.value, /e\+|^\s|\s$|<nil>/, name);
  }
});

test('optional settings stay unset by default so the processor defaults apply', () => {
  const env = containerEnv(render(['default-values.yaml']));
  for (const name of ['PADELLM_CLIENT_ID', 'PADELLM_INTRA_OP_THREADS', 'PADELLM_MAX_INFLIGHT',
    'PADELLM_COMMIT_MAX_RECORDS', 'PADELLM_REGISTRY_URL', 'PADELLM_SASL_USERNAME', 'PADELLM_TLS_CA_FILE']) {
    assert.equal(env.has(name), false, name);
  }
});
