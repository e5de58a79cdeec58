// `padellm annotate`: stdin lines (plain text or JSONL {"id","text","labels"?}) -> one JSON line each, in order.
// A line means what the same value means to `padellm run`: the same decoder, checks and long-document path, and a
// line that `run` would dead-letter prints an error line with the same code.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { DecoderKind, Engine } from '../engine/types.js';
import { codeOf } from '../errors.js';
import { exactId } from '../serde/json-id.js';
import type { TextEvent } from '../serde/text-event.js';
import { addDecoderFlag, addEngineFlags } from './engine-options.js';

/** The same hard cap as `padellm run`'s --max-text-chars default. */
const MAX_TEXT_CHARS = 100_000;

interface Answer { line: string; failed: boolean }

/** The id of a JSON line that failed a later check (empty text, say), so its error line still carries it. */
function idOf(raw: string): string | undefined {
  try {
    const id = (JSON.parse(raw) as { id?: unknown }).id;
    return typeof id === 'string' || Number.isInteger(id) ? exactId(id as string | number, raw) : undefined;
  } catch {
    return undefined;
  }
}

type DecodeTextEvent = typeof import('../serde/text-event.js').decodeTextEvent;

async function answer(engine: Engine, raw: string, n: number, decoder: DecoderKind, decodeTextEvent: DecodeTextEvent): Promise<Answer> {
  let event: TextEvent | undefined;
  try {
    const format = raw.trimStart().startsWith('{') ? 'json' : 'text';
    event = await decodeTextEvent(format, Buffer.from(raw), MAX_TEXT_CHARS);
    const { entities } = await engine.annotate({ text: event.text, labels: event.labels, decoder });
    return { line: JSON.stringify({ id: event.id ?? n, text: event.text, entities }), failed: false };
  } catch (error) {
    const code = codeOf(error);
    const out: Record<string, unknown> = { id: event?.id ?? idOf(raw) ?? n };
    if (event) out.text = event.text;
    out.error = { code, message: (error as Error).message };
    return { line: JSON.stringify(out), failed: true };
  }
}

export function register(program: Command): void {
  const cmd = program.command('annotate').description('annotate stdin lines (text or JSONL) and print JSON lines');
  addDecoderFlag(addEngineFlags(cmd)).action(async (flags: Record<string, unknown> & { decoder: DecoderKind }) => {
    // Loaded here, not at the top: ajv and the engine client are not needed for --help.
    const { createEngine } = await import('../engine/index.js');
    const { engineFlags, loadEngineOptions } = await import('../config/config.js');
    const { decodeTextEvent } = await import('../serde/text-event.js');
    const engine = await createEngine(loadEngineOptions(engineFlags(flags)));
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    // Every line is submitted as soon as it is read, so requests batch; each answer is printed, in input order, as
    // soon as it and all before it are done. Every line, an empty one too, gets exactly one output line.
    let printed: Promise<void> = Promise.resolve();
    let n = 0;
    const failed: number[] = [];
    for await (const raw of lines) {
      const lineNo = ++n;
      const pending = answer(engine, raw, lineNo, flags.decoder, decodeTextEvent);
      printed = printed.then(async () => {
        const a = await pending;
        if (a.failed) failed.push(lineNo);
        process.stdout.write(a.line + '\n');
      });
    }
    await printed;
    await engine.close();
    if (failed.length > 0) {
      const shown = failed.slice(0, 10).join(', ') + (failed.length > 10 ? ', ...' : '');
      process.stderr.write(`padellm annotate: ${failed.length} of ${n} lines failed (lines ${shown})\n`);
      process.exitCode = 1;
    }
  });
}
