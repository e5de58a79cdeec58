// `padellm bench`: in one run, batch-1 latency of the parallel, autoregressive and reference decoders, tokens
// forwarded per message, and throughput with cross-message batching against batch 1.
import type { Command } from 'commander';
import { readConll } from '../eval/conll.js';
import { createEngine } from '../engine/index.js';
import type { DecoderKind, Engine, EngineOptions } from '../engine/types.js';
import { addEngineFlags } from './engine-options.js';

export interface BenchOptions {
  data: string; limit: number; engine: EngineOptions; log?: (line: string) => void;
  /** Messages kept in flight for the latency-against-load curve (default LOAD_LEVELS). */
  loadLevels?: number[];
}

interface DecoderFigures {
  p50_ms: number; p95_ms: number; mean_ms: number;
  tokens_per_msg: number; passes_per_msg: number; msgs_per_s: number; entities: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** Each message alone: the next is sent only when the previous has come back. */
async function batchOne(engine: Engine, texts: string[], decoder: DecoderKind): Promise<DecoderFigures> {
  const lat: number[] = [];
  let tokens = 0;
  let passes = 0;
  let entities = 0;
  const t0 = performance.now();
  for (const text of texts) {
    const s = performance.now();
    const r = await engine.annotate({ text, decoder });
    lat.push(performance.now() - s);
    tokens += r.stats.tokensForwarded;
    passes += r.stats.passes;
    entities += r.entities.length;
  }
  const total = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return {
    p50_ms: r2(quantile(lat, 0.5)), p95_ms: r2(quantile(lat, 0.95)), mean_ms: r2(lat.reduce((a, b) => a + b, 0) / lat.length),
    tokens_per_msg: r2(tokens / texts.length), passes_per_msg: r2(passes / texts.length),
    msgs_per_s: r2(texts.length / total), entities,
  };
}

/** `concurrency` messages in flight at all times (a new one as each returns): throughput and latency at that load. */
async function atLoad(engine: Engine, texts: string[], concurrency: number) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < texts.length) {
      const text = texts[next++];
      const s = performance.now();
      await engine.annotate({ text, decoder: 'parallel' });
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, texts.length) }, lane));
  const total = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { concurrency, msgs_per_s: r2(texts.length / total), p50_ms: r2(quantile(lat, 0.5)), p95_ms: r2(quantile(lat, 0.95)) };
}

export const LOAD_LEVELS = [1, 2, 4, 8, 16, 32, 64];

export async function runBench(opts: BenchOptions) {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const texts = readConll(opts.data).map((s) => s.text).slice(0, opts.limit);
  // Batch-1 latency must not include a wait for company that never comes.
  const engine = await createEngine({ ...opts.engine, maxWaitMs: 0 });
  try {
    log(`model ${engine.model.name} on ${engine.model.executionProvider}, ${texts.length} messages`);
    for (const d of ['parallel', 'autoregressive', 'reference'] as const) {
      for (const t of texts.slice(0, 5)) await engine.annotate({ text: t, decoder: d });
    }
    const figures: Partial<Record<DecoderKind, DecoderFigures>> = {};
    for (const d of ['parallel', 'autoregressive', 'reference'] as const) {
      figures[d] = await batchOne(engine, texts, d);
      log(`${d.padEnd(14)} batch 1: p50 ${figures[d].p50_ms} ms, p95 ${figures[d].p95_ms} ms, ` +
        `${figures[d].tokens_per_msg} tokens/msg, ${figures[d].passes_per_msg} passes/msg, ${figures[d].msgs_per_s} msg/s`);
    }
    const t0 = performance.now();
    await Promise.all(texts.map((text) => engine.annotate({ text, decoder: 'parallel' })));
    const batchedRate = texts.length / ((performance.now() - t0) / 1000);
    const loadCurve = [];
    for (const c of opts.loadLevels ?? LOAD_LEVELS) {
      loadCurve.push(await atLoad(engine, texts, c));
      const last = loadCurve[loadCurve.length - 1];
      log(`load ${String(c).padStart(3)} in flight: ${last.msgs_per_s} msg/s, p50 ${last.p50_ms} ms, p95 ${last.p95_ms} ms`);
    }
    const par = figures.parallel!;
    const ar = figures.autoregressive!;
    const ref = figures.reference!;
    const result = {
      model: engine.model.name,
      execution_provider: engine.model.executionProvider,
      messages: texts.length,
      decoders: figures,
      msgs_per_s_batch1: par.msgs_per_s,
      msgs_per_s_batched: r2(batchedRate),
      speedup_p50: r2(ar.p50_ms / par.p50_ms),
      speedup_vs_reference_p50: r2(ref.p50_ms / par.p50_ms),
      tokens_ratio_vs_reference: r2(ref.tokens_per_msg / par.tokens_per_msg),
      throughput_gain: r2(batchedRate / par.msgs_per_s),
      load_curve: loadCurve,
      parallel_without_drafts: undefined as DecoderFigures | undefined,
    };
    if ((opts.engine.draftTokens ?? 0) > 0) {
      // The same messages with copy drafts off, for the passes they save (a second engine: drafting is a setting).
      await engine.close();
      const plain = await createEngine({ ...opts.engine, maxWaitMs: 0, draftTokens: 0 });
      try {
        result.parallel_without_drafts = await batchOne(plain, texts, 'parallel');
      } finally {
        await plain.close();
      }
      log(`parallel without drafts: p50 ${result.parallel_without_drafts.p50_ms} ms, ` +
        `${result.parallel_without_drafts.passes_per_msg} passes/msg (with: ${par.passes_per_msg})`);
    }
    log(`batched (all ${texts.length} at once): ${result.msgs_per_s_batched} msg/s, gain ${result.throughput_gain}x; ` +
      `speedup p50 vs AR ${result.speedup_p50}x, vs reference ${result.speedup_vs_reference_p50}x; ` +
      `tokens ratio vs reference ${result.tokens_ratio_vs_reference}x`);
    return result;
  } finally {
    await engine.close();
  }
}

export function register(program: Command): void {
  const cmd = program.command('bench').description('latency, tokens and throughput of the decoders on a CoNLL file')
    .requiredOption('--data <file>', 'CoNLL file; its sentences are the messages')
    .option('--limit <n>', 'messages to use', (v) => Number.parseInt(v, 10), 200)
    .option('--json', 'last stdout line: one JSON object with the figures');
  addEngineFlags(cmd).action(async (flags: Record<string, unknown> & { data: string; limit: number; json?: boolean }) => {
    const { engineFlags, loadEngineOptions } = await import('../config/config.js'); // on use: not for --help
    const result = await runBench({ data: flags.data, limit: flags.limit, engine: loadEngineOptions(engineFlags(flags)) });
    process.stdout.write((flags.json ? JSON.stringify(result) : JSON.stringify(result, null, 2)) + '\n');
  });
}
