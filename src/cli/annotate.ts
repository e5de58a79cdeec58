// `padellm annotate`: stdin lines (plain text or JSONL {"id","text","labels"?}) -> one JSON line each, in order.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { createEngine } from '../engine/index.js';
import type { AnnotateResult, DecoderKind } from '../engine/types.js';
import { addDecoderFlag, addEngineFlags, engineOptions, type EngineFlags } from './engine-options.js';

interface InputLine { id: string | number; text: string; labels?: string[] }

function parseLine(line: string, n: number): InputLine {
  if (line.trimStart().startsWith('{')) {
    const v = JSON.parse(line) as Partial<InputLine>;
    if (typeof v.text !== 'string') throw new Error(`line ${n}: JSON input needs a "text" string`);
    return { id: v.id ?? n, text: v.text, labels: v.labels };
  }
  return { id: n, text: line };
}

export function register(program: Command): void {
  const cmd = program.command('annotate').description('annotate stdin lines (text or JSONL) and print JSON lines');
  addDecoderFlag(addEngineFlags(cmd)).action(async (flags: EngineFlags & { decoder: DecoderKind }) => {
    const engine = await createEngine(engineOptions(flags));
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    // Submit every line at once so requests batch; print in input order as results arrive.
    const pending: Array<Promise<string>> = [];
    let n = 0;
    for await (const line of lines) {
      if (line.trim().length === 0) continue;
      n++;
      const input = parseLine(line, n);
      pending.push(engine.annotate({ text: input.text, labels: input.labels, decoder: flags.decoder }).then(
        (r: AnnotateResult) => JSON.stringify({ id: input.id, text: input.text, entities: r.entities }),
        (err: Error & { code?: string }) => JSON.stringify({ id: input.id, text: input.text, error: { code: err.code, message: err.message } }),
      ));
    }
    for (const p of pending) process.stdout.write((await p) + '\n');
    await engine.close();
  });
}
