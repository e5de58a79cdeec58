import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, redactConfig, settingsFromEnv } from '../../src/config/config.js';
import { ConfigError } from '../../src/errors.js';

test('defaults fill every unset setting', () => {
  const config = loadConfig({});
  assert.deepEqual(config.brokers, ['127.0.0.1:9092']);
  assert.equal(config.groupId, 'padellm-stream');
  assert.equal(config.inputFormat, 'json');
  assert.equal(config.delivery, 'exactly-once');
  assert.equal(config.maxTextChars, 100000);
  assert.equal(config.httpPort, 9464);
  assert.match(config.transactionalId, /^padellm-stream-/);
  assert.match(config.modelDir, /models\/padellm-conll03-smollm2-v6$/);
});

test('environment strings are split and coerced', () => {
  const config = loadConfig(settingsFromEnv({
    PADELLM_BROKERS: 'a:1, b:2', PADELLM_MAX_INFLIGHT: '8', PADELLM_TLS: 'true', PADELLM_EXECUTION_PROVIDERS: 'cuda,cpu',
    PADELLM_LOG_LEVEL: '',
  }));
  assert.deepEqual(config.brokers, ['a:1', 'b:2']);
  assert.equal(config.maxInflight, 8);
  assert.equal(config.tls, true);
  assert.deepEqual(config.executionProviders, ['cuda', 'cpu']);
  assert.equal(config.logLevel, 'info');
});

test('bad values name the flag and the variable', () => {
  assert.throws(() => loadConfig({ inputFormat: 'xml' }),
    (e: unknown) => e instanceof ConfigError && e.code === 'PADELLM_CONFIG' &&
      /--input-format \(PADELLM_INPUT_FORMAT\) must be one of json, avro, text/.test(e.message));
  assert.throws(() => loadConfig({ maxInflight: '0' }), /--max-inflight \(PADELLM_MAX_INFLIGHT\) must be >= 1/);
  assert.throws(() => loadConfig({ brokers: 'nohost' }), /--brokers/);
});

test('avro needs a registry and SASL needs credentials', () => {
  assert.throws(() => loadConfig({ outputFormat: 'avro' }), /--registry-url \(PADELLM_REGISTRY_URL\) is required/);
  assert.throws(() => loadConfig({ saslMechanism: 'scram-sha-256', saslUsername: 'u' }),
    /--sasl-password \(PADELLM_SASL_PASSWORD\) is required/);
  assert.throws(() => loadConfig({ tlsCaFile: '/nonexistent/ca.pem' }), /cannot read \/nonexistent\/ca.pem/);
});

test('secrets are redacted', () => {
  const config = loadConfig({ saslMechanism: 'plain', saslUsername: 'u', saslPassword: 'hunter2', registryUrl: 'http://r',
    registryUsername: 'r', registryPassword: 'also-secret' });
  const text = JSON.stringify(redactConfig(config));
  assert.doesNotMatch(text, /hunter2|also-secret/);
  assert.match(text, /"saslUsername":"u"/);
});
