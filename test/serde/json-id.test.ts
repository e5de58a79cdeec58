// Ids beyond a double's integer range keep their digits, in `padellm run` (decodeTextEvent) as in annotate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactId, rawTopLevelId } from '../../src/serde/json-id.js';
import { decodeTextEvent } from '../../src/serde/text-event.js';
import { BadInputError } from '../../src/errors.js';

const decode = (json: string) => decodeTextEvent('json', Buffer.from(json), 1000);

test('integer ids keep every digit; strings and safe integers are as written', async () => {
  assert.equal((await decode('{"id": 12345678901234567890, "text": "a"}')).id, '12345678901234567890');
  assert.equal((await decode('{"text": "a", "id": 12345678901234567890123}')).id, '12345678901234567890123');
  assert.equal((await decode('{"id": -9007199254740993, "text": "a"}')).id, '-9007199254740993');
  assert.equal((await decode('{"id": 42, "text": "a"}')).id, '42');
  assert.equal((await decode('{"id": "0042", "text": "a"}')).id, '0042');
});

test('only the top-level id counts: nested ids and ids inside strings are skipped', () => {
  const json = '{"meta": {"id": 1}, "text": "\\"id\\": 2", "id": 98765432109876543210}';
  assert.equal(rawTopLevelId(json), '98765432109876543210');
  assert.equal(exactId(98765432109876543210, json), '98765432109876543210');
});

test('a fractional or non-scalar id is a bad input with its code', async () => {
  for (const json of ['{"id": 1.5, "text": "a"}', '{"id": [1], "text": "a"}', '{"id": null, "text": "a"}']) {
    await assert.rejects(decode(json), (e: unknown) => e instanceof BadInputError && e.code === 'PADELLM_MISSING_FIELD', json);
  }
});
