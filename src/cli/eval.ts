// `padellm eval`: F1 on a CoNLL file by the paper's protocol (string sets) and span-exact, with and without dedup.
import { Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { readConll } from '../eval/conll.js';
import { dedup } from '../decoding/dedup.js';
import { createEngine } from '../engine/index.js';
import type { DecoderKind, Entity } from '../engine/types.js';
import { codeOf } from '../errors.js';
import { F1Tally, type Prf } from '../eval/f1.js';
import { addDecoderFlag, addEngineFlags } from './engine-options.js';

interface EvalFlags extends Record<string, unknown> { data: string; decoder: DecoderKind; limit?: number; json?: boolean; window: number }

/** Requests kept in flight: enough to batch well, few enough to bound memory. */
const WINDOW = 256;

const pct = (p: Prf) => `P ${p.precision.toFixed(2)}  R ${p.recall.toFixed(2)}  F1 ${p.f1.toFixed(2)}`;
const round = (x: number) => Math.round(x * 100) / 100;

export function register(program: Command): void {
  const cmd = program.command('eval').description('micro-F1 of the model on a CoNLL file')
    .requiredOption('--data <file>', 'CoNLL file (IOB2)')
    .option('--limit <n>', 'first N sentences only', (v) => Number.parseInt(v, 10))
    .option('--json', 'last stdout line: one JSON object with the scores')
    .addOption(new Option('--window <n>', 'requests in flight').default(WINDOW).argParser((v) => Number.parseInt(v, 10)));
  addDecoderFlag(addEngineFlags(cmd)).action(async (flags: EvalFlags) => {
    const sentences = readConll(flags.data).slice(0, flags.limit ?? Infinity);
    // Loaded on use: ajv is not needed for --help.
    const { engineFlags, loadEngineOptions } = await import('../config/config.js');
    const engine = await createEngine(loadEngineOptions(engineFlags(flags)));
    const labels = engine.model.labels;
    const withDedup = new F1Tally();
    const without = new F1Tally();
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    bar?.start(sentences.length, 0);
    const started = performance.now();
    let unaligned = 0;
    let predicted = 0;
    let chunked = 0;
    const failed: { sentence: number; code: string; message: string }[] = [];
    let next = 0;
    const worker = async () => {
      while (next < sentences.length) {
        const i = next++;
        const s = sentences[i];
        const gold = s.entities.filter((e) => labels.includes(e.label));
        let raw: Entity[] = [];
        try {
          // The same split-and-merge path as `padellm run`, so a sentence longer than the window is scored too.
          const r = await engine.annotate({ text: s.text, decoder: flags.decoder, dedup: false });
          raw = r.entities;
          unaligned += r.stats.unaligned;
          if (r.stats.chunks > 1) chunked++;
        } catch (error) {
          // Scored as predicting nothing (its gold mentions count as misses), counted and reported, never fatal.
          failed.push({ sentence: i + 1, code: codeOf(error), message: (error as Error).message });
        }
        predicted += raw.length;
        without.add(gold, raw, labels);
        withDedup.add(gold, dedup(raw, labels), labels);
        bar?.increment();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, flags.window) }, worker));
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    await engine.close();

    const micro = withDedup.micro();
    const span = withDedup.spanMicro();
    const out = process.stdout;
    out.write(`model ${engine.model.name} ${engine.model.version} on ${engine.model.executionProvider}, decoder ${flags.decoder}, ${sentences.length} sentences, ${seconds.toFixed(1)} s\n`);
    out.write(`micro (paper, string sets)  ${pct(micro)}\n`);
    out.write(`micro, span-exact           ${pct(span)}\n`);
    out.write(`without dedup: micro F1 ${without.micro().f1.toFixed(2)}, span F1 ${without.spanMicro().f1.toFixed(2)}\n`);
    for (const [label, p] of Object.entries(withDedup.perLabel())) out.write(`  ${label.padEnd(6)} ${pct(p)}\n`);
    out.write(`unaligned mentions: ${unaligned} of ${predicted} predicted; ${chunked} sentence(s) split into chunks\n`);
    if (failed.length > 0) {
      out.write(`failed sentences: ${failed.length} (scored as no prediction)\n`);
      for (const f of failed.slice(0, 5)) out.write(`  sentence ${f.sentence}: ${f.code} ${f.message}\n`);
    }
    if (flags.json) {
      out.write(JSON.stringify({
        model: engine.model.name, decoder: flags.decoder, sentences: sentences.length, seconds: round(seconds),
        micro_f1: round(micro.f1), micro_precision: round(micro.precision), micro_recall: round(micro.recall),
        span_micro_f1: round(span.f1),
        micro_f1_no_dedup: round(without.micro().f1), span_micro_f1_no_dedup: round(without.spanMicro().f1),
        unaligned, predicted, unaligned_pct: round(predicted ? (100 * unaligned) / predicted : 0), chunked,
        failed: failed.length,
        per_label: Object.fromEntries(Object.entries(withDedup.perLabel()).map(([l, p]) => [l, {
          precision: round(p.precision), recall: round(p.recall), f1: round(p.f1),
        }])),
      }) + '\n');
    }
  });
}
