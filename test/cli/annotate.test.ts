// `padellm annotate` as a user runs it: the built CLI, lines on stdin, JSON lines out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/fixtures.js';

const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.js');

test('annotate: one output line per input line, ids kept, the same checks and codes as run, exit 1 on failures', () => {
  const long = Array.from({ length: 30 }, (_, i) => `Mara Lindqvist met delegate number ${i} in Oslo.`).join(' ');
  const input = [
    'Mara Lindqvist flew from Oslo to Lima.',
    '',
    JSON.stringify({ id: 'b', text: 'Quillon Motors opened a plant in Porto.', labels: ['ORG'] }),
    JSON.stringify({ id: 'c', text: 'Οι Αθηναίοι 🎉 李明', labels: ['DATE'] }),
    '{"id": "d", "text": ',
    JSON.stringify({ id: 'e', text: '' }),
    '{"id": 12345678901234567890, "text": "Ids beyond 2^53 keep their digits."}',
    '{"id": 12345678901234567890123, "text": "So do ids beyond 1e21."}',
    '{"id": 1.5, "text": "A fractional id is refused."}',
    long,
  ].join('\n');
  const run = spawnSync(process.execPath, [main, 'annotate', '--model-dir', FIXTURES[0], '--intra-op-threads', '1'], { input, encoding: 'utf8' });
  assert.equal(run.status, 1, 'some lines failed');
  assert.match(run.stderr, /^padellm annotate: 5 of 10 lines failed \(lines 2, 4, 5, 6, 9\)\n$/);
  const out = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(out.map((o) => o.id), [1, 2, 'b', 'c', 5, 'e', '12345678901234567890', '12345678901234567890123', 9, 10]);
  assert.equal(out[0].text, 'Mara Lindqvist flew from Oslo to Lima.');
  assert.ok(Array.isArray(out[0].entities));
  assert.equal(out[1].error.code, 'PADELLM_EMPTY_TEXT', 'an empty line is an error line, as run dead-letters it');
  assert.ok(out[2].entities.every((e: { label: string }) => e.label === 'ORG'));
  assert.equal(out[3].error.code, 'PADELLM_UNKNOWN_LABEL');
  assert.equal(out[4].error.code, 'PADELLM_BAD_JSON');
  assert.doesNotMatch(out[4].error.message, /line \d+: line/, 'no doubled prefix');
  assert.equal(out[5].error.code, 'PADELLM_EMPTY_TEXT');
  assert.ok(Array.isArray(out[6].entities) && Array.isArray(out[7].entities));
  assert.equal(out[8].error.code, 'PADELLM_MISSING_FIELD');
  assert.ok(Array.isArray(out[9].entities), `a text longer than the window is split, not refused: ${JSON.stringify(out[9].error)}`);
  for (const e of out[9].entities) {
    if (e.start !== null) assert.equal(long.slice(e.start, e.end), e.text, 'offsets are into the whole line');
  }
});

test('a missing bundle and a wrong flag each get one actionable line, no stack trace, no wall of help', () => {
  const missing = spawnSync(process.execPath, [main, 'annotate', '--model-dir', '/nonexistent-bundle'], { input: '', encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr, 'padellm: /nonexistent-bundle/padellm.json not found: --model-dir (PADELLM_MODEL_DIR) must name a bundle folder (models/README.md) (PADELLM_MODEL_BUNDLE)\n');
  const wrong = spawnSync(process.execPath, [main, 'annotate', '--no-such-flag'], { input: '', encoding: 'utf8' });
  assert.notEqual(wrong.status, 0);
  assert.deepEqual(wrong.stderr.trim().split('\n'), ["error: unknown option '--no-such-flag'", '(see --help for the options)']);
});
