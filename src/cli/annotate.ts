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
    // Every line is submitted as soon as it is read, so requests batch; each answer is printed, in input order, as
    // soon as it and all before it are done.
    let printed: Promise<void> = Promise.resolve();
    let n = 0;
    for await (const line of lines) {
      if (line.trim().length === 0) continue;
      n++;
      let input: InputLine;
      try {
        input = parseLine(line, n);
      } catch (err) {
        const bad = JSON.stringify({ id: n, error: { code: 'PADELLM_BAD_INPUT', message: `line ${n}: ${(err as Error).message}` } });
        printed = printed.then(() => { process.stdout.write(bad + '\n'); });
        continue;
      }
      const answer = engine.annotate({ text: input.text, labels: input.labels, decoder: flags.decoder }).then(
        (r: AnnotateResult) => JSON.stringify({ id: input.id, text: input.text, entities: r.entities }),
        (err: Error & { code?: string }) => JSON.stringify({ id: input.id, text: input.text, error: { code: err.code, message: err.message } }),
      );
      printed = printed.then(async () => { process.stdout.write((await answer) + '\n'); });
    }
    await printed;
    await engine.close();
  });
}
