// `padellm annotate` as a user runs it: the built CLI, lines on stdin, JSON lines out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/fixtures.js';

const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');

test('annotate answers every line in input order; bad lines get an error line, not a crash', () => {
  const input = [
    'Mara Lindqvist flew from Oslo to Lima.',
    '',
    JSON.stringify({ id: 'b', text: 'Quillon Motors opened a plant in Porto.', labels: ['ORG'] }),
    JSON.stringify({ id: 'c', text: 'Οι Αθηναίοι 🎉 李明', labels: ['DATE'] }),
    '{"id": "d", "text": ',
    JSON.stringify({ id: 'e', text: '' }),
  ].join('\n');
  const run = spawnSync(process.execPath, [main, 'annotate', '--model', FIXTURES[0], '--threads', '1'], { input, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const out = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), [1, 'b', 'c', 4, 'e']);
  assert.equal(out[0].text, 'Mara Lindqvist flew from Oslo to Lima.');
  assert.ok(Array.isArray(out[0].entities));
  assert.ok(out[1].entities.every((e: { label: string }) => e.label === 'ORG'));
  assert.equal(out[2].error.code, 'PADELLM_UNKNOWN_LABEL');
  assert.equal(out[3].error.code, 'PADELLM_BAD_INPUT');
  assert.deepEqual(out[4].entities, []);
});
