// The embedded default model on sentences written for this project: the entities a reader would mark, found by
// the engine as a user runs it (worker thread, quantized bundle, parallel decoder), grounded in the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { DEFAULT_MODEL_DIR, EMBEDDED_MODEL } from '../../src/config/embedded.js';

/** Share of the known entities the model must find (label and text exact). */
const THRESHOLD = 0.9;

/** Each sentence with entities that any NER system worth shipping must get. */
const KNOWN: Array<{ text: string; entities: Array<[string, string]> }> = [
  { text: 'Angela Merkel met Emmanuel Macron in Paris on Tuesday.', entities: [['PER', 'Angela Merkel'], ['PER', 'Emmanuel Macron'], ['LOC', 'Paris']] },
  { text: 'Shares of Microsoft rose 3 percent in New York trading.', entities: [['ORG', 'Microsoft'], ['LOC', 'New York']] },
  { text: 'Ingrid Haugen moved from Oslo to Berlin last winter.', entities: [['PER', 'Ingrid Haugen'], ['LOC', 'Oslo'], ['LOC', 'Berlin']] },
  { text: 'Real Madrid beat Barcelona 2-1 in the Spanish league on Sunday.', entities: [['ORG', 'Real Madrid'], ['ORG', 'Barcelona'], ['MISC', 'Spanish']] },
  { text: 'The United Nations sent observers to Kenya.', entities: [['ORG', 'United Nations'], ['LOC', 'Kenya']] },
];

test(`${EMBEDDED_MODEL}: finds the obvious entities of sentences written for the project, with offsets`, { timeout: 300_000 }, async (t) => {
  const engine = await createEngine({ modelDir: DEFAULT_MODEL_DIR });
  try {
    assert.equal(engine.model.name, EMBEDDED_MODEL);
    let found = 0;
    let wanted = 0;
    for (const { text, entities } of KNOWN) {
      const got = (await engine.annotate({ text })).entities;
      t.diagnostic(`${text} -> ${got.map((e) => `${e.label}:${e.text}`).join(', ')}`);
      for (const e of got) {
        if (e.start !== null) assert.equal(text.slice(e.start, e.end!), e.text, 'offsets point at the mention');
      }
      const pairs = new Set(got.map((e) => `${e.label}:${e.text}`));
      for (const [label, mention] of entities) {
        wanted++;
        if (pairs.has(`${label}:${mention}`)) found++;
      }
    }
    t.diagnostic(`found ${found} of ${wanted}`);
    assert.ok(found >= Math.ceil(wanted * THRESHOLD), `found ${found} of ${wanted} known entities`);
  } finally {
    await engine.close();
  }
});
