// `npm run bench:passes`: what one forward pass of the embedded model costs by its shape, through the engine's own
// runtime (padded batch, KV copies included): a prefill, then decode passes of 1..64 rows of 1, 4 or 9 tokens each
// over a shared past. The figures that explain the decoding benchmarks: on a CPU where a pass costs about its token
// count, fewer passes buy little. Median of 5 runs per shape, one JSON line on stdout.
//
//   node dist/bench/pass-cost.js [--model-dir DIR] [--past 60] [--intra-op-threads N]
import { parseArgs } from 'node:util';
import { openSession } from '../src/runtime/session.js';
import { loadBundle } from '../src/model/bundle.js';
import { DEFAULT_MODEL_DIR } from '../src/config/embedded.js';

const { values: opts } = parseArgs({
  options: {
    'model-dir': { type: 'string' },
    past: { type: 'string', default: '60' },
    'intra-op-threads': { type: 'string' },
  },
});
const bundle = loadBundle(opts['model-dir'] ?? process.env.PADELLM_MODEL_DIR ?? DEFAULT_MODEL_DIR);
const threads = opts['intra-op-threads'] ? Number(opts['intra-op-threads']) : undefined;
const session = await openSession(bundle.modelPath('fp32'), bundle.config.architecture, bundle.config.tokens.pad_id,
  { intraOpThreads: threads });
const tokens = (n: number) => Array.from({ length: n }, (_, i) => 100 + ((i * 37) % 5000));

async function median(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(runs / 2)] * 10) / 10;
}

const past = Number(opts.past);
const [prefix] = await session.forward([{ tokens: tokens(past), past: null, logitsAt: [] }]);
const prefillMs = await median(() => session.forward([{ tokens: tokens(past), past: null, logitsAt: [] }]));
process.stderr.write(`prefill of ${past} tokens: ${prefillMs} ms\n`);
const decode: Array<{ rows: number; tokens_per_row: number; ms: number; ms_per_token: number }> = [];
for (const perRow of [1, 4, 9]) {
  for (const rows of [1, 4, 16, 64]) {
    const batch = Array.from({ length: rows }, () => ({ tokens: tokens(perRow), past: prefix.kv }));
    const ms = await median(() => session.forward(batch));
    decode.push({ rows, tokens_per_row: perRow, ms, ms_per_token: Math.round((ms / rows / perRow) * 100) / 100 });
    process.stderr.write(`${rows} rows x ${perRow} tokens over ${past} past: ${ms} ms\n`);
  }
}
await session.close();
process.stdout.write(JSON.stringify({ model: bundle.config.name, past, prefill_ms: prefillMs, decode }) + '\n');
