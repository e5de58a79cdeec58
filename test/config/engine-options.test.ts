// The engine's options are the settings table's engine group: same keys, defaults and checks everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS } from '../../src/config/settings.js';
import { ENGINE_KEYS } from '../../src/config/engine-options.js';
import { loadConfig, loadEngineOptions } from '../../src/config/config.js';
import { DEFAULT_MODEL_DIR } from '../../src/config/embedded.js';
import { ConfigError } from '../../src/errors.js';

test('ENGINE_KEYS are exactly the settings marked engine', () => {
  assert.deepEqual([...ENGINE_KEYS].sort(), SETTINGS.filter((s) => s.engine).map((s) => s.key).sort());
});

test('engine options get the same defaults as padellm run, from the same table', () => {
  const engine = loadEngineOptions({});
  const run = loadConfig({});
  for (const key of ENGINE_KEYS) assert.deepEqual(engine[key], run[key], key);
  assert.equal(engine.modelDir, DEFAULT_MODEL_DIR);
  assert.equal(engine.maxRowsPerPass, 64);
});

test('strings from flags are coerced and checked; other groups\' keys are refused', () => {
  const o = loadEngineOptions({ intraOpThreads: '2', executionProviders: 'cuda, cpu' });
  assert.equal(o.intraOpThreads, 2);
  assert.deepEqual(o.executionProviders, ['cuda', 'cpu']);
  assert.throws(() => loadEngineOptions({ maxWaitMs: '-1' }), (e: unknown) =>
    e instanceof ConfigError && /--max-wait-ms \(PADELLM_MAX_WAIT_MS\)/.test(e.message));
  assert.throws(() => loadEngineOptions({ brokers: 'a:1' }), /unknown setting brokers/);
});
