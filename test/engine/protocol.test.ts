// Errors cross the worker boundary as data and come back as their code's class, with fields and causes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CLASSES, RuntimeError, UnknownLabelError, ModelBundleError, type Code } from '../../src/errors.js';
import { deserializeError, serializeError } from '../../src/engine/protocol.js';

test('every code in the catalogue comes back as its class', () => {
  for (const [code, cls] of Object.entries(ERROR_CLASSES) as [Code, abstract new (...a: never[]) => Error][]) {
    const original = Object.assign(Object.create(cls.prototype) as Error, { code, name: cls.name, message: `m ${code}` });
    const back = deserializeError(serializeError(original));
    assert.ok(back instanceof cls, `${code} -> ${back.constructor.name}`);
    assert.equal(back.code, code);
    assert.equal(back.message, `m ${code}`);
  }
});

test('fields and the cause chain survive; a foreign error becomes a RuntimeError', () => {
  const label = deserializeError(serializeError(new UnknownLabelError(['DATE'], ['PER', 'LOC'])));
  assert.ok(label instanceof UnknownLabelError);
  assert.deepEqual([label.labels, label.known], [['DATE'], ['PER', 'LOC']]);

  const root = new TypeError('bad tensor');
  const wrapped = deserializeError(serializeError(new ModelBundleError('cannot open', { cause: root })));
  assert.ok(wrapped instanceof ModelBundleError);
  assert.equal((wrapped.cause as Error).message, 'bad tensor');
  assert.equal((wrapped.cause as { code?: string }).code, 'PADELLM_UNKNOWN');

  const foreign = deserializeError(serializeError(new Error('onnxruntime failed')));
  assert.ok(foreign instanceof RuntimeError);
  assert.equal(foreign.message, 'onnxruntime failed');
});
