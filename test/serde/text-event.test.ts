// Input values -> text events: every malformed value is a BadInputError with its stable code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTextEvent } from '../../src/serde/text-event.js';
import { encodeEntityEvent, type EntityEvent } from '../../src/serde/entity-event.js';
import { BAD_INPUT, BadInputError } from '../../src/errors.js';

const rejects = (format: 'json' | 'text', value: Buffer | null, code: string, cap = 1000) =>
  assert.rejects(decodeTextEvent(format, value, cap), (e: unknown) => e instanceof BadInputError && e.code === code);

test('json and text values decode to events', async () => {
  const e = await decodeTextEvent('json', Buffer.from('{"id":"a1","text":"Ines Moreau lives in Lyon.","labels":["PER"],"metadata":{"k":"v"}}'), 1000);
  assert.deepEqual(e, { id: 'a1', text: 'Ines Moreau lives in Lyon.', labels: ['PER'], metadata: { k: 'v' } });
  assert.deepEqual(await decodeTextEvent('text', Buffer.from('Plain text from Oslo.'), 1000), { text: 'Plain text from Oslo.' });
});

test('each kind of bad value has its code', async () => {
  await rejects('json', null, BAD_INPUT.emptyText);
  await rejects('json', Buffer.alloc(0), BAD_INPUT.emptyText);
  await rejects('json', Buffer.from('{"text": "   "}'), BAD_INPUT.emptyText);
  await rejects('json', Buffer.from('{"text": '), BAD_INPUT.badJson);
  await rejects('json', Buffer.from([0x7b, 0xff, 0x7d]), BAD_INPUT.badUtf8);
  await rejects('text', Buffer.from([0xc3, 0x28]), BAD_INPUT.badUtf8);
  await rejects('json', Buffer.from('{"txt": "x"}'), BAD_INPUT.missingField);
  await rejects('json', Buffer.from('{"text": "x", "labels": "PER"}'), BAD_INPUT.missingField);
  await rejects('json', Buffer.from('[1, 2]'), BAD_INPUT.missingField);
  await rejects('text', Buffer.from('x'.repeat(11)), BAD_INPUT.textOverCap, 10);
});

test('entity events encode to JSON that decodes back', () => {
  const event: EntityEvent = {
    id: 'a1', source: { topic: 't', partition: 0, offset: 7 },
    entities: [{ label: 'PER', text: 'Ines Moreau', start: 0, end: 11, score: 0.93 }],
    model: { name: 'm', version: '1' }, timings: { queueMs: 1, decodeMs: 2, endToEndMs: 3 }, chunks: 1, metadata: null,
  };
  assert.deepEqual(JSON.parse(encodeEntityEvent('json', event).toString()), event);
});
